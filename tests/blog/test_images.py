import hashlib
import io
import posixpath

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image

from blog.images import validate_image
from tests.blog.images import GPS_IFD, exif_with_gps, image_bytes, image_upload
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_text_file_named_jpg_is_refused_clearly():
    """A file that is not an image is refused, however it is named."""
    with pytest.raises(ValidationError, match="not an image"):
        validate_image(image_upload(data=b"just some text, not a JPEG\n" * 20))


def test_a_decompression_bomb_is_refused_without_being_decoded(settings):
    """An image whose pixel count is absurd is refused from its header alone."""
    bomb = image_bytes("PNG", size=(12_000, 12_000), mode="1")
    assert len(bomb) < 200_000  # tiny on disk, 144 megapixels once decoded
    with pytest.raises(ValidationError, match="too many pixels to be processed safely"):
        validate_image(image_upload("bomb.png", bomb))


def test_an_image_over_the_configured_pixel_limit_is_refused_with_its_size(settings):
    """Below Pillow's own guard, the site's limit still applies and says why."""
    settings.MONTAGE_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match="1600 by 900 pixels; the limit is 1 megapixels"):
        validate_image(image_upload(data=image_bytes()))


def test_an_unsupported_format_is_refused_by_name():
    """A BMP or TIFF gets a message naming the formats that are accepted."""
    with pytest.raises(ValidationError, match="BMP images are not accepted"):
        validate_image(image_upload("still.bmp", image_bytes("BMP", size=(64, 36))))


def test_a_file_too_big_in_bytes_is_refused(settings):
    """Past the byte limit the upload is refused before Pillow opens it."""
    settings.MONTAGE_IMAGE_MAX_BYTES = 1_000
    with pytest.raises(ValidationError, match="images may be up to"):
        validate_image(image_upload(data=image_bytes()))


def test_accepted_poster_is_stored_without_exif_or_gps():
    """A JPEG with GPS data is re-encoded: the stored poster has no EXIF at all."""
    data = image_bytes(exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    post = PostFactory(poster=ContentFile(data, name="holiday.jpg"))
    with default_storage.open(post.poster.name) as stored, Image.open(stored) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert (post.poster_width, post.poster_height) == (1600, 900)


def test_a_stored_image_is_named_by_the_digest_of_its_bytes_and_keeps_its_own_name():
    """Its address can be cached forever: other bytes, even under the same name, get
    another address, and the renditions sit under the same digest."""
    first = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"))
    other = PostFactory(poster=ContentFile(image_bytes(size=(1000, 562)), name="still.jpg"))
    with default_storage.open(first.poster.name) as stored:
        digest = hashlib.sha256(stored.read()).hexdigest()[:16]
    assert first.poster.name.endswith(f"/{digest}/still.jpg")
    assert posixpath.dirname(first.poster.name) != posixpath.dirname(other.poster.name)
    for path, _width in first.poster_renditions["webp"]:
        assert f"/{digest}/still-" in path


def test_renditions_are_made_once_in_webp_and_jpeg_and_offered_with_srcset(client):
    """The page offers WebP and JPEG at several widths, with width and height set."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"))
    widths = [width for _path, width in post.poster_renditions["webp"]]
    assert widths == [480, 960, 1440]
    for path, _width in post.poster_renditions["jpg"] + post.poster_renditions["webp"]:
        assert default_storage.exists(path)
    content = client.get("/").content.decode()
    assert 'type="image/webp" srcset="' in content and " 1440w" in content
    assert 'width="1600" height="900"' in content


def test_replacing_the_poster_removes_the_old_files(django_capture_on_commit_callbacks):
    """A new poster replaces the old one and its renditions in storage."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="first.jpg"))
    old_files = [post.poster.name] + [p for p, _w in post.poster_renditions["jpg"]]
    post.poster = ContentFile(image_bytes(size=(1000, 562)), name="second.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert not any(default_storage.exists(name) for name in old_files)
    assert [width for _p, width in post.poster_renditions["jpg"]] == [480, 960]


def test_a_replaced_poster_keeps_its_files_until_the_save_commits():
    """A save that rolls back brings back the old row, and its files are still there."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="first.jpg"))
    old_files = [post.poster.name] + [p for p, _w in post.poster_renditions["jpg"]]
    with pytest.raises(RuntimeError), transaction.atomic():
        post.poster = ContentFile(image_bytes(size=(1000, 562)), name="second.jpg")
        post.save()
        raise RuntimeError("something after the save failed")
    post.refresh_from_db()
    assert post.poster.name == old_files[0]
    assert all(default_storage.exists(name) for name in old_files)


def test_clearing_the_poster_removes_its_files_after_commit(django_capture_on_commit_callbacks):
    post = PostFactory(poster=ContentFile(image_bytes(), name="first.jpg"))
    files = [post.poster.name] + [p for p, _w in post.poster_renditions["webp"]]
    post.poster = None
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert not any(default_storage.exists(name) for name in files)
    post.refresh_from_db()
    assert not post.has_poster
    assert post.poster_renditions == {}


def test_deleting_a_post_deletes_its_poster_files(django_capture_on_commit_callbacks):
    """No orphan files are left behind by a deleted post."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="gone.jpg"))
    files = [post.poster.name] + [p for p, _w in post.poster_renditions["webp"]]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not any(default_storage.exists(name) for name in files)


def test_admin_refuses_a_hostile_upload_and_keeps_the_rest_of_the_form(client):
    """In the admin, a text file named .jpg is refused next to the field; nothing is saved."""
    from tests.blog.admin_forms import post_form_data
    from tests.factories import UserFactory

    author = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(author)
    data = post_form_data(author, poster=image_upload(data=b"not an image at all" * 10))
    response = client.post("/admin/blog/post/add/", data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "This file is not an image, or it is damaged." in content
    assert "Frozen landscapes." in content


def test_saving_a_partly_loaded_post_keeps_its_poster_files():
    """A post read with only some fields and saved again keeps its renditions."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="kept.jpg"))
    partial = type(post).objects.only("pk", "title", "slug", "body").get(pk=post.pk)
    partial.title = "Renamed"
    partial.save()
    post.refresh_from_db()
    assert post.poster_renditions["jpg"]
    assert all(default_storage.exists(p) for p, _w in post.poster_renditions["jpg"])


def test_a_save_that_fails_keeps_the_replaced_posters_files(django_capture_on_commit_callbacks):
    """Outside any transaction too (a script, the shell): nothing goes before the row."""
    PostFactory(slug="taken")
    post = PostFactory(poster=ContentFile(image_bytes(), name="first.jpg"))
    old_files = [post.poster.name] + [p for p, _w in post.poster_renditions["jpg"]]
    post.poster = ContentFile(image_bytes(size=(1000, 562)), name="second.jpg")
    post.slug = "taken"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IntegrityError):
        post.save()
    assert all(default_storage.exists(name) for name in old_files)
