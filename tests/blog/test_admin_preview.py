"""Preview: the author sees unsaved changes as readers will, and nothing is saved."""

import os

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from blog.models import Post
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.images import image_bytes, image_upload
from tests.factories import (
    CommentFactory,
    PageFactory,
    PostFactory,
    PostTrackFactory,
    TrackFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db


def _change_form(client, post):
    """The post's change form as the browser would send it untouched."""
    page = client.get(reverse("admin:blog_post_change", args=[post.pk]))
    return form_values(page.content.decode(), "post_form")


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def test_change_form_offers_a_preview_that_opens_in_its_own_tab(client, author):
    post = PostFactory(author=author)
    page = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert 'name="_preview"' in page
    assert 'formtarget="montage-preview"' in page


def test_preview_of_a_new_post_shows_the_reader_page_and_saves_nothing(client, author):
    """Title, lead, video and the timed track appear as on the site; no row is left."""
    data = post_form_data(author, _preview="Preview")
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Preview: Rocky training in Russia" in page
    assert "Preview:</strong> nothing is saved yet" in page
    assert "Frozen landscapes." in page
    assert "Hearts on Fire" in page
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in page
    assert '<time datetime="PT1M35S">1:35</time>' in page
    assert not Post.objects.exists()
    assert not LogEntry.objects.exists()
    assert not Version.objects.exists()
    assert "no-cache" in response["Cache-Control"]


def test_preview_of_changes_to_a_live_post_leaves_readers_page_as_it_was(client, author):
    """The preview shows the edit; the saved post and the cached reader page do not."""
    post = PostFactory(author=author, title="Hearts on Fire", body="The old words.")
    VideoFactory(post=post)
    PostTrackFactory(post=post, track=TrackFactory(title="Training Montage"))
    reader_page = reverse("blog:post", kwargs={"slug": post.slug})
    assert "The old words." in client.get(reader_page).content.decode()  # warms the cache

    data = _change_form(client, post)
    data.update(body="The **new** words.", _preview="Preview")
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)

    preview = response.content.decode()
    assert response.status_code == 200
    assert "The <strong>new</strong> words." in preview
    assert "Training Montage" in preview
    post.refresh_from_db()
    assert post.body == "The old words."
    client.logout()
    reader = client.get(reader_page).content.decode()
    assert "The old words." in reader
    assert "new</strong> words" not in reader


def test_preview_shows_the_comments_but_no_form_that_would_post_to_the_admin(client, author):
    post = PostFactory(author=author)
    CommentFactory(target=post, text="Still the best montage.")
    data = _change_form(client, post)
    data.update(_preview="Preview")
    page = client.post(reverse("admin:blog_post_change", args=[post.pk]), data).content.decode()
    assert "Still the best montage." in page
    assert "The comment form is not shown in a preview." in page
    assert 'class="comment-form"' not in page
    assert ">Reply<" not in page


def test_preview_of_a_draft_says_how_it_will_look_once_published(client, author):
    data = post_form_data(author, status="draft", _preview="Preview")
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert "how readers will see the post once it is published" in page
    assert "Draft: only staff can see this page" not in page


def test_preview_with_a_mistake_shows_the_form_with_its_error_and_saves_nothing(client, author):
    data = post_form_data(author, _preview="Preview", **{"videos-0-url": "https://example.com/x"})
    response = client.post(reverse("admin:blog_post_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Paste a YouTube or Vimeo link" in page
    assert "Frozen landscapes." in page
    assert not Post.objects.exists()


def test_preview_with_a_new_poster_keeps_the_stored_one_and_writes_no_file(
    client, author, settings
):
    """The preview must not leave files behind nor delete the poster on the site."""
    post = PostFactory(author=author, poster=ContentFile(image_bytes(), name="first.jpg"))
    files_before = _stored_files(settings)
    data = _change_form(client, post)
    data.update(_preview="Preview", poster=image_upload("second.jpg"))
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert "The new poster shows once you save." in response.content.decode()
    assert _stored_files(settings) == files_before
    post.refresh_from_db()
    assert post.poster.name.endswith("first.jpg")


def test_preview_with_the_poster_cleared_shows_the_page_without_it_and_keeps_the_file(
    client, author
):
    """Readers will see the placeholder; the stored poster stays until a real save."""
    post = PostFactory(author=author, poster=ContentFile(image_bytes(), name="first.jpg"))
    VideoFactory(post=post)
    assert post.poster.url in client.get(post.get_absolute_url()).content.decode()
    data = _change_form(client, post)
    data.update({"_preview": "Preview", "poster-clear": "on"})
    page = client.post(reverse("admin:blog_post_change", args=[post.pk]), data).content.decode()
    assert "img/poster.svg" in page
    assert post.poster.url not in page
    post.refresh_from_db()
    assert post.poster.storage.exists(post.poster.name)


def test_preview_needs_the_right_to_change_posts(client):
    """Staff who may only view posts get a refusal, and nothing is saved."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(viewer)
    post = PostFactory(title="As it was")
    data = post_form_data(post.author, _preview="Preview", title="Changed")
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "As it was"


def test_preview_is_for_staff_only(client):
    """Without an admin login the preview is the admin's login page, not the post."""
    data = post_form_data(PostFactory().author, _preview="Preview")
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not Post.objects.filter(slug="rocky-training-in-russia").exists()


def test_what_a_preview_cached_never_reaches_readers(client, author):
    """The preview renders unsaved changes inside writes that roll back, under the
    content version the request began with, or as it moved meanwhile. Nothing it caches
    (the menu holding the unsaved title) may be what readers see, before or after the
    same form is saved for real (which moves the version as far as the preview did)."""
    page = PageFactory(author=author, title="About", slug="about", in_menu=True)
    url = reverse("admin:blog_page_change", args=[page.pk])
    data = form_values(client.get(url).content.decode(), "page_form")
    preview = client.post(url, {**data, "title": "Unsaved title", "_preview": "Preview"})
    assert "Unsaved title" in preview.content.decode()
    reader = Client()
    assert "Unsaved title" not in reader.get("/").content.decode()
    assert client.post(url, {**data, "title": "Saved title"}).status_code == 302
    home = reader.get("/").content.decode()
    assert "Saved title" in home
    assert "Unsaved title" not in home
