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
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.html import format_html, strip_tags

from blog.images import image_save_prepare, validate_image
from blog.models import POSTER, Picture

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
    """The uploads folder an export came with; never a path outside it.

    An address on the old site outside ``wp-content/uploads`` (a Montage export's
    ``/media/posters/2026/still.jpg``, with its media folder given) is looked for by
    the end of its path: ``posters/2026/still.jpg``, then ``2026/still.jpg``.
    """

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.site_host = None

    def is_upload(self, address):
        """Whether ``address`` names a file of the old site's, rather than another's."""
        if _UPLOADS in address:
            return True
        host = urlsplit(address).hostname
        return host is not None and host == self.site_host

    def file_for(self, address):
        """The file in the folder that an attachment's address or relative path names."""
        for relative in self.relatives(address):
            for candidate in dict.fromkeys([_RESIZED.sub("", relative), relative]):
                path = (self.root / candidate).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    return path
        return None

    def relatives(self, address):
        relative = _relative(address)
        if relative:
            return [relative]
        if not address or not self.is_upload(address):
            return []
        parts = [part for part in unquote(urlsplit(address).path).split("/") if part]
        first = max(0, len(parts) - MOST_SEGMENTS)
        return ["/".join(parts[start:]) for start in range(first, len(parts))]


# How many of an address's last path segments may name its file in the folder.
MOST_SEGMENTS = 6


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


class PostPictures:
    """A post's pictures made from the uploads folder, each file once."""

    def __init__(self, post, media, report, *, dry_run, moved=None):
        """``moved(pairs)``: told each (old address, new address) of a picture made."""
        self.moved = moved
        self.dry_run = dry_run
        self.post = post
        self.media = media
        self.report = report
        self.numbers = {}  # file (or missing address) → picture number, None if refused
        self.urls = {}  # file → its picture's address here

    def number_for(self, address, *, alt="", caption=""):
        """The picture number for the file ``address`` names, made on first use."""
        path = self.media.file_for(address)
        key = path or _relative(address) or address
        if key in self.numbers:
            if key in self.urls:
                self.address_moved(address, self.urls[key])
            return self.numbers[key]
        self.numbers[key] = None
        if path is None:
            self.missing(address)
            return None
        picture = Picture(post=self.post, alt=(alt or path.stem)[:300], caption=caption[:300])
        with path.open("rb") as file:
            picture.image = File(file, name=path.name)
            try:
                picture.full_clean(exclude=["post"])
            except ValidationError as error:
                self.missing(address, " ".join(error.messages))
                return None
            # A dry run stores no file: its rows are rolled back, files would stay.
            if not self.dry_run:
                picture.save()
                self.urls[key] = picture.image.url
                self.address_moved(address, picture.image.url)
        self.report.created["picture"] += 1
        self.numbers[key] = picture.number or len(self.numbers)
        return self.numbers[key]

    def address_moved(self, address, url):
        """A link to the old site's file (a picture opened on its own) leads to this one.

        Not when the picture is on a bucket's own address (MEDIA_STORAGE=s3): the
        redirect table leads only to addresses on this site.
        """
        old_path = urlsplit(address).path if "://" in address else ""
        new = urlsplit(url)
        new_path = "" if new.netloc else new.path
        if self.moved is not None and old_path.startswith("/") and new_path.startswith("/"):
            self.moved([(old_path, new_path)])

    def missing(self, address, why=""):
        where = f"{self.post.get_absolute_url()}: {_relative(address) or address}"
        self.report.missing_media.append(f"{where} ({why})" if why else where)

    def reference(self, attachment):
        number = self.number_for(
            attachment.file or attachment.url,
            alt=attachment.description,
            caption=attachment.caption,
        )
        if number is None:
            return None
        return format_html('<p><img src="image:{}" alt="{}"></p>', number, attachment.description)

    def placed(self, body):
        """``body`` with its images from the old site's uploads as the post's own pictures.

        A figure becomes a picture with its caption; an image inside text stays there.
        """

        def figure(match):
            image = _IMG.search(match.group(0))
            src, alt = _attribute(image.group(0), "src"), _attribute(image.group(0), "alt")
            if not self.media.is_upload(src):
                return match.group(0)
            caption = _FIGCAPTION.search(match.group(0))
            number = self.number_for(
                src,
                alt=alt,
                caption=" ".join(unescape(strip_tags(caption[1])).split()) if caption else "",
            )
            if number is None:
                return match.group(0)
            return format_html('<p><img src="image:{}" alt="{}"></p>', number, alt)

        def image(match):
            src, alt = _attribute(match.group(0), "src"), _attribute(match.group(0), "alt")
            number = self.number_for(src, alt=alt) if self.media.is_upload(src) else None
            if number is None:
                return match.group(0)
            return format_html('<img src="image:{}" alt="{}">', number, alt)

        body = _FIGURE_WITH_ONE_IMAGE.sub(figure, body)
        return _IMG.sub(image, body)

    def poster_set(self, attachment):
        path = self.media.file_for(attachment.file or attachment.url)
        if path is None:
            self.missing(attachment.file or attachment.url, "its featured image")
            return False
        with path.open("rb") as file:
            upload = File(file, name=path.name)
            try:
                validate_image(upload)
            except ValidationError as error:
                self.missing(attachment.file or attachment.url, " ".join(error.messages))
                return False
            self.report.created["poster"] += 1
            if self.dry_run:
                return False
            self.post.poster = upload
            image_save_prepare(self.post, POSTER)
        self.post.poster_alt = attachment.description[:300]
        return True


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
# A figure that holds one image (in a link or not) and perhaps a caption.
_FIGURE_WITH_ONE_IMAGE = re.compile(
    r"<figure\b[^>]*>(?:(?!</?figure|<img).)*<img\b[^>]*>(?:(?!</?figure|<img).)*</figure>",
    re.IGNORECASE | re.DOTALL,
)


def _attribute(tag, name):
    found = re.search(rf"""\s{name}\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag, re.IGNORECASE)
    return unescape(found[1] if found[1] is not None else found[2]) if found else ""
