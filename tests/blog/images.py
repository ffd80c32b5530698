"""Images made in memory for the tests: posters, uploads, hostile files."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def image_bytes(kind="JPEG", size=(1600, 900), mode="RGB", exif=None):
    buffer = io.BytesIO()
    image = Image.new(mode, size, "#27445c" if mode == "RGB" else 0)
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def image_upload(name="poster.jpg", data=None):
    """A file as the admin's form receives it; a 1000 by 562 JPEG unless ``data`` is given."""
    data = image_bytes(size=(1000, 562)) if data is None else data
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def exif_with_gps():
    """EXIF naming a camera and a place, as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 44.0, 0.0), 3: "W", 4: (110.0, 48.0, 0.0)})
    return exif
