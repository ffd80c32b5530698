import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command

from blog.models import Picture, Post
from tests.blog.images import image_bytes
from tests.factories import PageFactory, PostFactory

pytestmark = pytest.mark.django_db


def _run(tmp_path):
    out = io.StringIO()
    call_command("create_local_admin", credentials_file=str(tmp_path / "admin.txt"), stdout=out)
    return out.getvalue()


def test_local_admin_is_created_with_a_random_password_that_works(tmp_path):
    """The first run makes a superuser whose printed password logs in."""
    output = _run(tmp_path)
    password = (tmp_path / "admin.txt").read_text().strip()
    assert password in output
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    assert (tmp_path / "admin.txt").stat().st_mode & 0o077 == 0


def test_local_admin_is_reused_and_printed_again(tmp_path):
    """A second run shows the same login instead of making another."""
    first = _run(tmp_path)
    assert _run(tmp_path) == first
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_changed_admin_password_is_not_overwritten(tmp_path):
    """If the author changed the password, the command says how to reset it and changes nothing."""
    _run(tmp_path)
    user = get_user_model().objects.get(username="admin")
    user.set_password("the-authors-own-password")
    user.save()
    output = _run(tmp_path)
    assert "changepassword" in output
    user.refresh_from_db()
    assert user.check_password("the-authors-own-password")


def test_render_bodies_renders_stale_bodies_again_and_only_those(settings):
    """After the media address changes, pictures point at the new one."""
    post = PostFactory(body="![](image:1)")
    Picture.objects.create(post=post, image=ContentFile(image_bytes(), name="a.jpg"), alt="A")
    untouched = PostFactory(body="Plain.")
    settings.MEDIA_URL = "https://media.example/"
    out = io.StringIO()
    call_command("render_bodies", stdout=out)
    post.refresh_from_db()
    assert 'src="https://media.example/pictures/' in post.body_html
    assert "1 of 2 posts rendered again." in out.getvalue()
    assert Post.objects.get(pk=untouched.pk).body_html == "<p>Plain.</p>"


def test_render_bodies_renders_pages_too(settings):
    """A page's pictures move with the media address as a post's do."""
    page = PageFactory(body="![](image:1)")
    Picture.objects.create(post=page, image=ContentFile(image_bytes(), name="a.jpg"), alt="A")
    settings.MEDIA_URL = "https://media.example/"
    call_command("render_bodies", stdout=io.StringIO())
    page.refresh_from_db()
    assert 'src="https://media.example/pictures/' in page.body_html
