"""Render the author's Markdown to HTML that is safe to show readers.

Markdown passes raw HTML through, so its output is cleaned with nh3 (the Rust
``ammonia`` sanitizer) against an allow-list: an injected ``<script>``, an event
handler attribute or a ``javascript:`` link never reaches a reader.

Images are placed after cleaning, on nh3's normalised output: ``![](image:N)`` becomes
the post's own picture N with its renditions; an image on another host becomes a link
to it, so the page loads no third-party byte (an imported post may still name its old
site); an image on this site loads lazily, below the video.
"""

import html
import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
# "image:N" names one of the post's own pictures; it is replaced before anyone sees it.
PICTURE_SCHEME = "image"
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", PICTURE_SCHEME}
MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]


def render_markdown(text, *, pictures=None):
    """Markdown in, sanitized HTML out. Links get ``rel="noopener"``; h1 is the page's own.

    ``pictures`` maps a number N to the picture that ``![](image:N)`` shows.
    """
    return _place_images(_clean(text), pictures or {})


def _clean(text):
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    )


# nh3 writes every attribute as name="value", with the value's quotes escaped.
_IMG = re.compile(r"<img\b[^>]*>")
# An image alone in its paragraph becomes a figure with its caption.
_IMG_MAYBE_ALONE = re.compile(r"(<p>\s*)?(<img\b[^>]*>)(\s*</p>)?")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_PICTURE_NUMBER = re.compile(rf"{PICTURE_SCHEME}:(\d{{1,5}})")
# Browsers drop tabs and newlines inside a URL, and read "\" as "/" (WHATWG URL).
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")


def _attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _is_on_this_site(src):
    """A path on this site; anything with a scheme or a host may load from elsewhere."""
    src = _IGNORED_IN_URLS.sub("", src).strip()
    if "\\" in src or src.startswith("//"):
        return False
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc


def _image_sources(text):
    return [_attributes(tag).get("src", "") for tag in _IMG.findall(_clean(text))]


def picture_numbers(text):
    """The picture numbers the body refers to with ``![](image:N)``, in order."""
    numbers = []
    for src in _image_sources(text):
        found = _PICTURE_NUMBER.fullmatch(src)
        if found and int(found[1]) not in numbers:
            numbers.append(int(found[1]))
    return numbers


def outside_images(text):
    """Addresses of images on other sites that the body would show."""
    return [
        src
        for src in _image_sources(text)
        if src and not _PICTURE_NUMBER.fullmatch(src) and not _is_on_this_site(src)
    ]


def _place_images(body_html, pictures):
    def place(match):
        opening, tag, closing = match.groups()
        if not (opening and closing):
            return (opening or "") + _image(tag, pictures, alone=False) + (closing or "")
        placed = _image(tag, pictures, alone=True)
        if not placed or placed.startswith("<figure"):
            return placed
        return f"{opening}{placed}{closing}"

    return _IMG_MAYBE_ALONE.sub(place, body_html)


def _image(tag, pictures, *, alone):
    attributes = _attributes(tag)
    src, alt = attributes.get("src", ""), attributes.get("alt", "")
    number = _PICTURE_NUMBER.fullmatch(src)
    if number:
        picture = pictures.get(int(number[1]))
        if picture is None:
            return ""
        context = {"picture": picture, "alt": alt, "with_caption": alone}
        return render_to_string("blog/_picture.html", context).strip()
    if not src:
        return ""
    if not _is_on_this_site(src):
        host = urlsplit(_IGNORED_IN_URLS.sub("", src).strip().replace("\\", "/")).hostname
        return format_html(
            '<a class="outside-image" href="{}" rel="nofollow noopener">{}</a>',
            src,
            _("Image: %(label)s (%(site)s)")
            % {"label": alt or src.rsplit("/", 1)[-1], "site": host or _("another site")},
        )
    return tag.replace("<img ", '<img loading="lazy" decoding="async" ', 1)
