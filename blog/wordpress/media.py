"""A WordPress export's attachments, found in its uploads folder: nothing is fetched.

An export names each attachment by its address on the old site. Given the folder that
was ``wp-content/uploads`` there (``--media``), ``MediaFolder`` finds the file an
address means, and the importer stores it through the same checks and renditions as
an upload in the admin. WordPress keeps resized copies beside each original
(``snow-1024x768.jpg`` beside ``snow.jpg``); the original is taken when it is there,
since Montage makes its own sizes.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.html import strip_tags

# WordPress's name for a resized copy: the original's name with "-WIDTHxHEIGHT".
_RESIZED = re.compile(r"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]+$)")
_UPLOADS = "/wp-content/uploads/"


@dataclass(frozen=True)
class Attachment:
    wp_id: int
    url: str
    file: str  # relative to the uploads folder, as WordPress's _wp_attached_file has it
    parent_id: int
    alt: str
    caption: str
    title: str

    @classmethod
    def of(cls, item):
        return cls(
            wp_id=item.wp_id,
            url=item.attachment_url,
            file=item.meta.get("_wp_attached_file", ""),
            parent_id=item.parent_id,
            alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
            caption=strip_tags(item.excerpt).strip(),
            title=strip_tags(item.title).strip(),
        )

    @property
    def description(self):
        return self.alt or self.caption or self.title or Path(self.file or self.url).stem


class MediaFolder:
    """The uploads folder an export came with; never a path outside it."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def file_for(self, address):
        """The file in the folder that an attachment's address or relative path names."""
        relative = _relative(address)
        if not relative:
            return None
        candidates = [relative]
        original = _RESIZED.sub("", relative)
        if original != relative:
            candidates.insert(0, original)
        for candidate in candidates:
            path = (self.root / candidate).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return path
        return None


def _relative(address):
    """``2019/05/snow.jpg`` from its full address, or from itself if it is relative."""
    if not address:
        return ""
    path = unquote(urlsplit(address).path)
    if _UPLOADS in path:
        return path.split(_UPLOADS, 1)[1]
    if "://" in address or address.startswith("/"):
        return ""
    return path
