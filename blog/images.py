"""Uploaded images, posters and pictures in the body alike: their whole life in one place.

- **Checked** (``validate_image``): Pillow reads an image's size from its header before
  decoding any pixel, so an image too large to hold (a decompression bomb) is refused
  without being processed.
- **Re-encoded** on save (``image_save_prepare``): that drops its EXIF block, GPS
  position included, after the orientation it records has been applied.
- **Named by their bytes** (``stored_name``): the stored file sits in a folder named by
  a digest of what was stored, so an address never changes what it shows and may be
  cached forever (montage/uploads.py says so to browsers).
- **Resized once**: renditions at a few widths, in WebP and in JPEG for browsers without
  WebP, written through Django's storage API, so an S3-compatible storage can replace
  the local folder by configuration alone.
- **Deleted only after the transaction commits** (``image_files_delete``): a replaced or
  deleted image's files stay while a rollback could still bring its row back.

- **Held back in a preview** (``uploads_held_back``): a preview saves the author's form
  and rolls it back, but files written to storage would stay; within the block a new
  upload is not stored, and what was held back is noted for the preview to say.

A model keeps an image in four or five fields, named by an ``ImageSlot``, and calls
``image_save_prepare`` from its ``save()``; nothing else needs to know.
"""

import hashlib
import io
import logging
import posixpath
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (480, 960, 1440)
RENDITION_FORMATS = (("webp", "WEBP"), ("jpg", "JPEG"))
# Smaller than this is a tracking pixel or an icon, not a picture for readers.
MIN_SIDE = 50
# 64 bits of SHA-256: two different images in one year's folder never share a name.
DIGEST_LENGTH = 16


def _limits():
    return settings.MONTAGE_IMAGE_MAX_BYTES, settings.MONTAGE_IMAGE_MAX_PIXELS


def validate_image(upload):
    """Refuse anything that is not a JPEG, PNG or WebP of a sane size, with a reason.

    A file already in storage was checked when it was uploaded; it is not read again
    each time its post is saved.
    """
    if getattr(upload, "_committed", False):
        return
    max_bytes, max_pixels = _limits()
    if upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)d MB; images may be up to %(max)d MB."),
            code="image_too_big",
            params={"size": upload.size // 1_000_000 + 1, "max": max_bytes // 1_000_000},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels; here that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, width, height = image.format, image.width, image.height
                if kind in ACCEPTED_FORMATS and width * height <= max_pixels:
                    image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            _("This image has too many pixels to be processed safely."),
            code="image_too_large",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("This file is not an image, or it is damaged. Upload a JPEG, PNG or WebP."),
            code="not_an_image",
        ) from None
    finally:
        upload.seek(0)
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(kind)s images are not accepted. Upload a JPEG, PNG or WebP."),
            code="unsupported_image",
            params={"kind": kind},
        )
    if width * height > max_pixels:
        raise ValidationError(
            _("This image is %(width)d by %(height)d pixels; the limit is %(max)d megapixels."),
            code="image_too_large",
            params={"width": width, "height": height, "max": max_pixels // 1_000_000},
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)d by %(height)d pixels; images need at least "
                "%(min)d pixels on each side."
            ),
            code="image_too_small",
            params={"width": width, "height": height, "min": MIN_SIDE},
        )


_SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80},
    "PNG": {"optimize": True},
}


def _encode(image, kind):
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, kind, **_SAVE_OPTIONS[kind])
    return buffer.getvalue()


def reencode(upload):
    """The image upright, with no EXIF or other metadata, and its bytes in its own format."""
    upload.seek(0)
    with Image.open(upload) as image:
        kind = image.format
        upright = ImageOps.exif_transpose(image)
        upright.info.pop("exif", None)
        return upright, _encode(upright, kind)


def stored_name(name, content):
    """``<digest>/<the upload's own name>``: the digest of ``content``, the bytes stored.

    The upload's name stays last, so a reader who saves the image gets that name; the
    folder changes whenever the bytes do, renditions included (their names follow it).
    """
    digest = hashlib.sha256(content.read()).hexdigest()[:DIGEST_LENGTH]
    content.seek(0)
    return f"{digest}/{posixpath.basename(name)}"


def renditions_create(name, image, *, storage=default_storage):
    """Write resized copies of ``image``, stored as ``name``; return them for ``srcset``.

    Made from the image in memory, never read back from storage (a download, on S3).
    Widths wider than the original are skipped: upscaling only adds bytes.
    """
    stem, _extension = posixpath.splitext(name)
    made = {extension: [] for extension, _kind in RENDITION_FORMATS}
    try:
        for width in RENDITION_WIDTHS:
            if width > image.width:
                continue
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            for extension, kind in RENDITION_FORMATS:
                path = f"renditions/{stem}-{width}.{extension}"
                saved = storage.save(path, ContentFile(_encode(resized, kind)))
                made[extension].append([saved, width])
    except OSError:
        # A storage failing halfway keeps none of the copies: no row will name them.
        _files_delete(_rendition_paths(made), storage)
        raise
    return made


def _rendition_paths(renditions):
    return [path for versions in (renditions or {}).values() for path, _width in versions]


def srcsets(renditions, *, storage=default_storage):
    """``srcset`` values by extension (``webp``, ``jpg``) from stored renditions."""
    return {
        extension: ", ".join(f"{storage.url(path)} {width}w" for path, width in versions)
        for extension, versions in (renditions or {}).items()
        if versions
    }


class StoredImageField(models.ImageField):
    """An ImageField that never reads a stored image back to learn its size.

    Django's own reads the file again whenever the field is assigned, as every admin
    save does with the image it already has: on S3, a download of the whole image.
    A stored image's width and height were kept when it was uploaded.
    """

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        value = instance.__dict__.get(self.attname)
        stored = isinstance(value, str) or getattr(value, "_committed", False)
        if value and stored and getattr(instance, self.width_field, None):
            return
        super().update_dimension_fields(instance, force, *args, **kwargs)


@dataclass(frozen=True)
class ImageSlot:
    """The fields in which a model keeps one uploaded image (``size``, in bytes: optional)."""

    file: str
    renditions: str
    width: str
    height: str
    size: str = ""

    @property
    def fields(self):
        named = (self.file, self.renditions, self.width, self.height, self.size)
        return tuple(name for name in named if name)


_held_back = ContextVar("uploads_held_back", default=None)


@contextmanager
def uploads_held_back():
    """Within this block no new image is stored; yields the slots held back, as saved.

    A held-back upload leaves the row with the image it had (none, for a new row), so
    the page shows what is stored, and deleting what it replaces waits for a commit
    that a preview never makes.
    """
    held = []
    token = _held_back.set(held)
    try:
        yield held
    finally:
        _held_back.reset(token)


def held_back_uploads():
    """The slots held back so far in the current ``uploads_held_back`` block."""
    return list(_held_back.get() or [])


class ImageNotStored(Exception):
    """The storage failed to take a new image (a full disk, a bucket that does not answer).

    Raised out of the save, so its transaction rolls back; the admin shows it on the form.
    """

    def __init__(self, error):
        super().__init__(
            _("The image could not be stored, so nothing was saved: %(error)s.")
            % {"error": str(error).rstrip(".")}
        )


def image_save_prepare(instance, slot):
    """Make ``instance`` ready to save: process a new upload, let go of a replaced one.

    A new upload is re-encoded and its renditions are made. When the stored image is
    replaced or cleared, its files are deleted once the save commits. A row read
    without its image (``.only()``/``.defer()``) keeps it untouched.
    """
    if slot.file in instance.get_deferred_fields():
        return
    image = getattr(instance, slot.file)
    stored = None
    if not instance._state.adding and instance.pk is not None:
        stored = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values_list(slot.file, slot.renditions)
            .first()
        )
    held = _held_back.get()
    if image and not image._committed and held is not None:
        held.append(slot)
        setattr(instance, slot.file, stored[0] if stored else "")
        return
    if image and not image._committed:
        upright, encoded = reencode(image.file)
        stored_now = []
        try:
            content = ContentFile(encoded)
            image.save(stored_name(image.name, content), content, save=False)
            stored_now.append(image.name)
            renditions = renditions_create(image.name, upright, storage=image.storage)
        except OSError as error:
            _files_delete(stored_now, image.storage)
            raise ImageNotStored(error) from error
        setattr(instance, slot.width, upright.width)
        setattr(instance, slot.height, upright.height)
        setattr(instance, slot.renditions, renditions)
        if slot.size:
            setattr(instance, slot.size, len(encoded))
    elif not image:
        setattr(instance, slot.renditions, {})
        if slot.size:
            setattr(instance, slot.size, None)
    if stored and stored[0] and stored[0] != image.name:
        image_files_delete(stored[0], stored[1], storage=image.storage)


def image_files_delete(name, renditions, *, storage=default_storage):
    """Delete an image and its renditions once the current transaction commits.

    Nothing is deleted if it rolls back, so the row that names the files and the
    files themselves come back together. A failing storage is logged, never raised
    into the request whose save has already succeeded.
    """
    paths = [name, *_rendition_paths(renditions)]
    transaction.on_commit(lambda: _files_delete(paths, storage))


def _files_delete(paths, storage):
    for path in paths:
        try:
            storage.delete(path)
        except OSError:
            logger.exception("could not delete image file %s", path)
