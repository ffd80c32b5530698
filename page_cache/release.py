"""Which release of the code renders pages: a digest of its templates, Python and static
files, the same on every machine running the same files.

Part of every page cache key, so a page stored by one release is never served by the
next (a changed template, stylesheet name or rule), without anyone having to remember
to raise a number. ``MONTAGE_RELEASE`` in the environment (a commit id) takes its place.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

SUFFIXES = {".py", ".html", ".css", ".js", ".txt", ".xml"}
SKIPPED = {".venv", "var", "media", "staticfiles", "tests", "node_modules", ".git"}


@cache
def release():
    if settings.MONTAGE_RELEASE:
        return settings.MONTAGE_RELEASE
    root = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(_code_files(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _code_files(root):
    for child in root.iterdir():
        if child.name in SKIPPED or child.name.startswith("."):
            continue
        if child.is_dir():
            yield from (
                path
                for path in child.rglob("*")
                if path.suffix in SUFFIXES and "__pycache__" not in path.parts
            )
        elif child.suffix in SUFFIXES:
            yield child
