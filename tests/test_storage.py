"""Uploads on S3 (MEDIA_STORAGE=s3), against a real S3 server on 127.0.0.1 (tests/s3.py)."""

import re
import time
import urllib.request
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from blog.models import Picture, Post
from blog.wordpress.export import export_chunks
from montage.storage import MediaS3Storage, StorageUnavailable
from tests.blog.admin_forms import post_form_data
from tests.blog.images import image_bytes, image_upload
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, export
from tests.blog.wordpress.test_media import POST as IMPORTED_POST
from tests.factories import PostFactory, VideoFactory
from tests.s3 import s3_media_settings, unused_address

pytestmark = pytest.mark.django_db

LONG_CACHE = "public, max-age=31536000, immutable"


def _stored(post):
    """Every file a post's poster and pictures keep in storage."""
    names = [post.poster.name] if post.poster else []
    for renditions in [post.poster_renditions, *(p.renditions for p in post.pictures.all())]:
        names += [path for versions in renditions.values() for path, _width in versions]
    return sorted(names + [picture.image.name for picture in post.pictures.all()])


def test_a_poster_uploaded_in_the_admin_lands_in_the_bucket_with_its_renditions(
    client, author, s3_bucket, s3_server
):
    """The poster and its six renditions are objects in the bucket, cached for a year."""
    upload = image_upload("still.jpg", image_bytes(size=(1600, 900)))
    response = client.post(reverse("admin:blog_post_add"), post_form_data(author, poster=upload))
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get()
    assert re.fullmatch(r"posters/\d{4}/[0-9a-f]{16}/still_\w{7}\.jpg", post.poster.name)
    assert s3_bucket.object_names() == _stored(post) and len(_stored(post)) == 7
    # Renditions are made from the upload in memory, never downloaded again.
    assert s3_server.reads() == []
    stored = s3_bucket.head(post.poster.name)
    assert stored["CacheControl"] == LONG_CACHE
    assert stored["ContentLength"] == post.poster_size


def test_editing_a_post_in_the_admin_reads_nothing_from_the_bucket(
    client, author, s3_bucket, s3_server
):
    """Its poster's size was kept at upload: saving the text downloads no image again."""
    post = PostFactory(author=author, poster=ContentFile(image_bytes(), name="still.jpg"))
    s3_server.requests.clear()
    data = post_form_data(author, title="A new title", slug=post.slug)
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    assert post.title == "A new title" and (post.poster_width, post.poster_height) == (1600, 900)
    assert s3_server.requests == []


def test_the_post_page_loads_its_poster_and_pictures_from_the_bucket(client, s3_bucket):
    """Every image address on the page is the bucket's, and the bucket serves it."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"), body="![](image:1)")
    VideoFactory(post=post)
    Picture.objects.create(
        post=post, image=ContentFile(image_bytes(), name="run.jpg"), alt="Rocky runs"
    )
    page = client.get(post.get_absolute_url()).content.decode()
    images = re.findall(r'<(?:img|source)\b[^>]*?\b(?:src|srcset)="([^" ]+)', page)
    assert len(images) >= 4, images
    assert all(address.startswith(f"{s3_bucket.url}/") for address in images), images
    assert "/media/" not in page
    assert f"{s3_bucket.url}/posters/" in page and f"{s3_bucket.url}/pictures/" in page
    with urllib.request.urlopen(post.poster.url, timeout=10) as answer:
        assert answer.headers["Content-Type"] == "image/jpeg"
        assert answer.headers["Cache-Control"] == LONG_CACHE
        assert answer.read()[:2] == b"\xff\xd8"


def test_deleting_a_picture_deletes_its_objects(s3_bucket, django_capture_on_commit_callbacks):
    """A deleted picture's file and renditions leave the bucket; the poster's stay."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"))
    picture = Picture.objects.create(
        post=post, image=ContentFile(image_bytes(), name="run.jpg"), alt="Rocky runs"
    )
    everything = s3_bucket.object_names()
    assert everything == _stored(post) and len(everything) == 14
    with django_capture_on_commit_callbacks(execute=True):
        picture.delete()
    assert (
        s3_bucket.object_names()
        == _stored(post)
        == [name for name in everything if not name.split("/")[-1].startswith("run")]
    )


def test_a_replaced_poster_leaves_the_bucket_and_a_deleted_post_takes_the_rest(
    s3_bucket, django_capture_on_commit_callbacks
):
    """Replacing the poster removes the old objects; deleting the post empties the bucket."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="first.jpg"))
    post.poster = ContentFile(image_bytes(size=(1000, 562)), name="second.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert s3_bucket.object_names() == _stored(post)
    assert all("second" in key for key in s3_bucket.object_names())
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert s3_bucket.object_names() == []


def test_the_same_file_name_uploaded_twice_is_two_objects(s3_bucket):
    """A second upload never overwrites the first: each gets a name of its own."""
    post = PostFactory()
    first, second = (
        Picture.objects.create(
            post=post, image=ContentFile(image_bytes(size=size), name="run.jpg"), alt="Run"
        )
        for size in [(800, 450), (640, 360)]
    )
    assert first.image.name != second.image.name
    assert (
        s3_bucket.head(first.image.name)["ContentLength"]
        != (s3_bucket.head(second.image.name)["ContentLength"])
    )


def _import_with_media(tmp_path):
    """The import of one post with a featured image and two pictures in its uploads folder."""
    folder = tmp_path / "uploads" / "2016" / "03"
    folder.mkdir(parents=True)
    (folder / "barn.jpg").write_bytes(image_bytes("JPEG", size=(1600, 900)))
    (folder / "drago.png").write_bytes(image_bytes("PNG", size=(800, 450)))
    path = tmp_path / "export.xml"
    path.write_text(export(AUTHORS_AND_TERMS + IMPORTED_POST), encoding="utf-8")
    out = StringIO()
    call_command(
        "import_wordpress", str(path), "--media", str(tmp_path / "uploads"), stdout=out, stderr=out
    )
    return out.getvalue()


def test_the_wordpress_importers_media_go_to_the_bucket(tmp_path, s3_bucket, client):
    """Posters and pictures found in the export's uploads folder are stored in the bucket."""
    _import_with_media(tmp_path)
    post = Post.objects.get()
    assert post.poster and post.pictures.count() == 2
    assert s3_bucket.object_names() == _stored(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert post.pictures.first().image.url.startswith(s3_bucket.url)
    assert post.pictures.first().image.url in page


def test_an_import_while_the_bucket_is_down_reports_the_item_it_could_not_store(
    tmp_path, monkeypatch, settings, caplog
):
    """The report names the item and the bucket's failure, not a bug; the post is imported
    with its body as it was, and none of its images half-stored."""
    s3_media_settings(monkeypatch, settings, endpoint=unused_address(), bucket="montage-down")
    output = _import_with_media(tmp_path)
    assert (
        "attachments of item 50: The image could not be stored, so nothing was saved: "
        "bucket montage-down: Could not connect to the endpoint URL"
    ) in output
    post = Post.objects.get()
    assert not post.poster and not post.pictures.exists()
    assert "failed" not in caplog.text


def test_the_wordpress_export_names_each_upload_by_its_bucket_address(s3_bucket):
    """Another blog importing the export fetches the files from where they are."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"))
    exported = "".join(export_chunks())
    address = f"{s3_bucket.url}/{post.poster.name}"
    assert f"<wp:attachment_url><![CDATA[{address}]]></wp:attachment_url>" in exported
    assert "/media/" not in exported


def test_a_bucket_that_does_not_answer_gives_the_form_back_saying_so(
    client, author, monkeypatch, settings
):
    """No 500: the form comes back as typed, saying the image was not stored; nothing is saved."""
    s3_media_settings(monkeypatch, settings, endpoint=unused_address(), bucket="montage-down")
    started = time.monotonic()
    response = client.post(
        reverse("admin:blog_post_add"), post_form_data(author, poster=image_upload())
    )
    assert time.monotonic() - started < 15
    content = response.content.decode()
    assert response.status_code == 200
    assert "The image could not be stored, so nothing was saved: bucket montage-down:" in content
    assert "Could not connect to the endpoint URL" in content
    assert "Frozen landscapes." in content
    assert "choose the poster and pictures again" in content
    assert not Post.objects.exists()


def test_a_picture_added_to_a_post_when_the_bucket_is_down_keeps_the_post_as_it_was(
    client, author, s3_bucket, monkeypatch, settings
):
    """The change form comes back saying so; the post's text and poster stay as stored."""
    post = PostFactory(author=author, poster=ContentFile(image_bytes(), name="still.jpg"))
    stored = s3_bucket.object_names()
    s3_media_settings(monkeypatch, settings, endpoint=unused_address(), bucket=s3_bucket.name)
    data = post_form_data(author, title="A new title", slug=post.slug)
    data.update(
        {
            "pictures-TOTAL_FORMS": "1",
            "pictures-0-image": image_upload("run.jpg"),
            "pictures-0-alt": "Rocky runs",
        }
    )
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert response.status_code == 200
    assert "The image could not be stored, so nothing was saved" in response.content.decode()
    post.refresh_from_db()
    assert post.title != "A new title" and not post.pictures.exists()
    assert s3_bucket.object_names() == stored


def test_a_bucket_that_fails_on_deletion_never_fails_the_deletion(
    s3_bucket, monkeypatch, settings, django_capture_on_commit_callbacks, caplog
):
    """The picture is gone from the post; the objects left behind are logged by name."""
    post = PostFactory()
    picture = Picture.objects.create(
        post=post, image=ContentFile(image_bytes(), name="run.jpg"), alt="Rocky runs"
    )
    s3_media_settings(monkeypatch, settings, endpoint=unused_address(), bucket=s3_bucket.name)
    picture = Picture.objects.get(pk=picture.pk)
    with django_capture_on_commit_callbacks(execute=True):
        picture.delete()
    assert not post.pictures.exists()
    assert f"could not delete image file {picture.image.name}" in caplog.text


def test_an_upload_that_fails_halfway_leaves_nothing_in_the_bucket(
    client, author, s3_bucket, monkeypatch
):
    """The bucket stops taking files after the poster and two copies: those three go too."""
    save = MediaS3Storage._save
    calls = []

    def failing_after_three(self, name, content):
        calls.append(name)
        if len(calls) > 3:
            raise StorageUnavailable(f"bucket {self.bucket_name}: the server went away")
        return save(self, name, content)

    monkeypatch.setattr(MediaS3Storage, "_save", failing_after_three)
    response = client.post(
        reverse("admin:blog_post_add"), post_form_data(author, poster=image_upload())
    )
    assert "the server went away" in response.content.decode()
    assert len(calls) == 4 and s3_bucket.object_names() == []
    assert not Post.objects.exists()
