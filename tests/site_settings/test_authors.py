"""Readers see the author's public name, never a login: on bylines and on replies."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from blog.demo import demo_load
from blog.models import Post
from comments.models import Comment
from comments.services import comment_reply_as_author
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.site_settings.helpers import save_settings

pytestmark = pytest.mark.django_db

LOGIN = "admin"


@pytest.fixture
def login_only_author(client):
    """The author as ``make run`` creates them: a login name, no full name, no email."""
    user = get_user_model().objects.create_superuser(username=LOGIN, email="", password="x")
    client.force_login(user)
    return user


def _byline(page):
    return re.search(r"<span>By (.*?)</span>", page).group(1)


def test_the_byline_shows_the_public_name(client, settings):
    settings.MONTAGE_AUTHOR_NAME = "Ada Lovelace"
    post = PostFactory(author=UserFactory(username="ada", first_name="A", last_name="L"))
    assert _byline(client.get(post.get_absolute_url()).content.decode()) == "Ada Lovelace"


def test_before_a_name_is_set_the_byline_shows_the_full_name_never_the_login(client):
    post = PostFactory(author=UserFactory(username="ada", first_name="Ada", last_name="L."))
    assert _byline(client.get(post.get_absolute_url()).content.decode()) == "Ada L."


def test_an_author_with_only_a_login_is_shown_as_the_site(client, login_only_author):
    """No full name and no public name yet: the byline names the site, not the login."""
    post = PostFactory(author=login_only_author)
    reader = Client()
    assert _byline(reader.get(post.get_absolute_url()).content.decode()) == "Montage"


def test_a_reply_from_the_admin_is_signed_with_the_public_name(client, author, settings):
    settings.MONTAGE_AUTHOR_NAME = "Ada Lovelace"
    comment = CommentFactory()
    client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"text": "Thanks!"})
    assert Comment.objects.get(parent=comment).name == "Ada Lovelace"


def test_a_new_name_changes_the_byline_and_every_earlier_reply(
    client, login_only_author, django_capture_on_commit_callbacks
):
    """Renaming in the Site settings renames old replies too, even on a cached page."""
    post = PostFactory(author=login_only_author)
    question = CommentFactory(target=post, text="Where was this filmed?")
    comment_reply_as_author(parent=question, author=login_only_author, text="In Wyoming.")
    reader = Client()
    before = reader.get(post.get_absolute_url()).content.decode()
    assert '<span class="comment__author" dir="auto">Montage</span>' in before
    save_settings(client, django_capture_on_commit_callbacks, author_name="Ada Lovelace")
    after = reader.get(post.get_absolute_url()).content.decode()
    assert _byline(after) == "Ada Lovelace"
    assert '<span class="comment__author" dir="auto">Ada Lovelace</span>' in after
    assert "Montage</span>" not in after
    save_settings(client, django_capture_on_commit_callbacks, author_name="Ada L.")
    again = reader.get(post.get_absolute_url()).content.decode()
    assert '<span class="comment__author" dir="auto">Ada L.</span>' in again
    assert Comment.objects.get(text="Where was this filmed?").name != "Ada L."


def _public_urls(post):
    day = post.published_at
    return [
        reverse("blog:home"),
        f"{reverse('blog:home')}?page=2",
        post.get_absolute_url(),
        f"{post.get_absolute_url()}?cpage=1",
        f"{post.get_absolute_url()}?replytocom={post.reply_to_pk}",
        reverse("blog:category", kwargs={"slug": post.category.slug}),
        *[reverse("blog:tag", kwargs={"slug": tag.slug}) for tag in post.tags.all()],
        reverse("blog:archive"),
        reverse("blog:archive_year", kwargs={"year": day.year}),
        reverse("blog:archive_month", kwargs={"year": day.year, "month": day.month}),
        f"{reverse('blog:search')}?q=rocky",
        f"{reverse('blog:search')}?q=training+montage",
        "/no-such-page/",
    ]


def test_the_login_name_appears_in_no_public_page(login_only_author, settings, tmp_path):
    """Demo posts by "admin", a reader's comment and the author's reply: no page says "admin"."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    reader = Client()
    for post in Post.objects.published():
        question = CommentFactory(target=post, text="Great scene.")
        comment_reply_as_author(parent=question, author=login_only_author, text="Thank you.")
        post.reply_to_pk = question.pk
        assert post.author == login_only_author
        for url in _public_urls(post):
            response = reader.get(url)
            assert response.status_code in (200, 404), url
            body = response.content.decode() + "".join(
                f"{name}: {value}" for name, value in response.headers.items()
            )
            assert not re.search(rf"\b{LOGIN}\b", body, re.IGNORECASE), (url, body)
