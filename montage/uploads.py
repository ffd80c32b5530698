"""Uploaded files from MEDIA_ROOT, served by Django itself, safely enough for production.

Not ``django.views.static.serve``, which its own documentation calls unfit for
production: here only regular files under MEDIA_ROOT are served (no ``..``, no hidden
file, no symlink leading out, no directory listing); only the raster formats Montage
stores are shown inline, anything else is a download; and browsers may not sniff
another type nor run anything a file holds. An image's stored name carries a digest of
its bytes (blog/images.py), so its address always shows the same bytes and may be
cached for a year as immutable; an older name without one is cached for an hour.
"""

import mimetypes
import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from blog.images import DIGEST_LENGTH

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATED = "public, max-age=3600"
_DIGEST_FOLDER = re.compile(rf"(^|/)[0-9a-f]{{{DIGEST_LENGTH}}}/")


def _file_under_media_root(path):
    """The regular file ``path`` names under MEDIA_ROOT, or Http404."""
    parts = path.split("/")
    if "\x00" in path or "\\" in path or any(not part or part[0] == "." for part in parts):
        raise Http404("No such file.")
    root = Path(settings.MEDIA_ROOT).resolve()
    file = root.joinpath(*parts).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        raise Http404("No such file.")
    return file


@require_safe
def upload_serve(request, path):
    file = _file_under_media_root(path)
    stat = file.stat()
    not_modified = get_conditional_response(request, last_modified=int(stat.st_mtime))
    if not_modified is not None:
        not_modified["Cache-Control"] = _cache_control(path)
        return not_modified
    content_type, encoding = mimetypes.guess_type(file.name)
    if encoding or not content_type:
        content_type = "application/octet-stream"
    response = FileResponse(
        file.open("rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=posixpath.basename(path),
    )
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = _cache_control(path)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a file hold markup after all, nothing in it runs or loads.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _cache_control(path):
    return IMMUTABLE if _DIGEST_FOLDER.search(path) else REVALIDATED
