"""Render the author's Markdown to HTML that is safe to show readers.

Markdown passes raw HTML through, so its output is cleaned with nh3 (the Rust
``ammonia`` sanitizer) against an allow-list: an injected ``<script>``, an event
handler attribute or a ``javascript:`` link never reaches a reader. What the cleaner
takes out is reported back to the author by ``body_removals``.

Images are placed after cleaning, on nh3's normalised output: ``![](image:N)`` becomes
the post's own picture N with its renditions; an image on another host becomes a link
to it, so the page loads no third-party byte (an imported post may still name its old
site); an image on this site loads lazily, below the video.
"""

import re
from collections import Counter
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import TocExtension, slugify
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "cite", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
    # Ids link footnotes and headings; nh3 gives each the prefix (see ID_PREFIX).
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
}
# Markdown writes a table column's alignment as a style; nothing else may style a cell.
ALLOWED_STYLE_PROPERTIES = {"text-align"}
# "image:N" names one of the post's own pictures; it is replaced before anyone sees it.
PICTURE_SCHEME = "image"
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", PICTURE_SCHEME}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Every id in the body starts with this, so none can clash with the page's own
# (``respond``, ``comment-12``, ``soundtrack-heading``) or clobber a script's globals.
ID_PREFIX = "body-"


class _PrefixedFootnotes(FootnoteExtension):
    """Footnotes whose ids, and the links between them, carry ``ID_PREFIX``."""

    def makeFootnoteId(self, id):
        return ID_PREFIX + super().makeFootnoteId(id)

    def makeFootnoteRefId(self, id, found=False):
        return ID_PREFIX + super().makeFootnoteRefId(id, found)


class _HeadingsBelowTitle(Treeprocessor):
    """Move the body's headings down so the highest is an ``h2``, and none below ``h6``.

    The page's ``h1`` is the post's title. A body written with ``#`` sections gets
    ``h2``, ``##`` ``h3`` and so on; one written with ``##`` sections (as the demo and
    posts from before this rule are) keeps its levels rather than skipping ``h2``.
    """

    def run(self, root):
        headings = [element for element in root.iter() if element.tag in HEADING_TAGS]
        if not headings:
            return
        shift = max(0, 2 - min(int(heading.tag[1]) for heading in headings))
        for heading in headings:
            heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"


class _HeadingsBelowTitleExtension(Extension):
    def extendMarkdown(self, md):
        # Before TOC (priority 5) gives the headings their ids.
        md.treeprocessors.register(_HeadingsBelowTitle(md), "headings_below_title", 6)


def _markdown_extensions():
    """Python-Markdown's "extra" set, with prefixed footnotes and headings below the title.

    TOC only gives headings their (prefixed) ids; its ``[TOC]`` marker is switched off.
    """
    return [
        "abbr",
        "attr_list",
        "def_list",
        "fenced_code",
        "md_in_html",
        "tables",
        _PrefixedFootnotes(BACKLINK_TITLE="Back to the text of note %d"),
        _HeadingsBelowTitleExtension(),
        TocExtension(
            marker="",
            slugify=lambda value, separator: ID_PREFIX + slugify(value, separator),
        ),
        "sane_lists",
        "smarty",
    ]


def _markdown_to_html(text):
    return markdown.markdown(text or "", extensions=_markdown_extensions(), output_format="html")


def clean_html(html, *, for_source=False):
    """``html`` with only what the body may show, its tags balanced.

    ``for_source``: for HTML written into a post's body (an import), which is cleaned
    again when it is shown; its ids and links stay as written so that showing it
    gives them their prefix once.
    """
    if for_source:
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            filter_style_properties=ALLOWED_STYLE_PROPERTIES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel=None,
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        id_prefix=ID_PREFIX,
    )


def _filter_attribute(element, attribute, value):
    """Links within the body follow its prefixed ids; ``image:N`` is for images only."""
    if element == "a" and attribute == "href":
        if value.startswith(f"{PICTURE_SCHEME}:"):
            return None
        if value.startswith("#") and not value.startswith(f"#{ID_PREFIX}"):
            return f"#{ID_PREFIX}{value[1:]}"
    return value


def render_markdown(text, *, pictures=None):
    """Markdown in, sanitized HTML out. Links get ``rel="noopener"``; h1 is the page's own.

    ``pictures`` maps a number N to the picture that ``![](image:N)`` shows.
    """
    body_html = _place_images(clean_html(_markdown_to_html(text)), pictures or {})
    # A table wider than a phone scrolls inside the column; a keyboard scrolls it once
    # it can take focus.
    return body_html.replace("<table>", '<table tabindex="0">')


# What the cleaner removed, and why, for the author.

# Markdown's own wrappers and classes (footnotes, fenced code) are dropped on purpose and
# lose nothing the reader sees; so are the parts of a player reported as the player.
_UNREPORTED_TAGS = {"div", "span", "source", "track", "param"}
_UNREPORTED_ATTRIBUTES = {"class"}

_NO_EMBEDS = "embedded frames are not allowed; add the video in the Videos section"
_NO_PLAYERS = "players in the body are not allowed; add the video in the Videos section"
_NO_SCRIPTS = "scripts are not allowed"
_NO_STYLES = "styles are not allowed; the site's stylesheet sets the look"
_NO_FORMS = "forms are not allowed; readers write in the comments"
TAG_REASONS = {
    "iframe": _NO_EMBEDS,
    "embed": _NO_EMBEDS,
    "object": _NO_EMBEDS,
    "video": _NO_PLAYERS,
    "audio": _NO_PLAYERS,
    "script": _NO_SCRIPTS,
    "noscript": _NO_SCRIPTS,
    "style": _NO_STYLES,
    "link": _NO_STYLES,
    "form": _NO_FORMS,
    "input": _NO_FORMS,
    "button": _NO_FORMS,
    "select": _NO_FORMS,
    "textarea": _NO_FORMS,
    "h1": "the post's title is the page's only top-level heading; start a section with #",
}
TAG_REASON = "this tag is not allowed here; see Formatting under the body"
ATTRIBUTE_REASONS = {
    "style": _NO_STYLES,
    "href": "only http, https and mailto addresses are allowed",
    "src": "only http and https addresses are allowed",
}
EVENT_HANDLER_REASON = "event handlers run scripts, which are not allowed"
ATTRIBUTE_REASON = "this attribute is not allowed there"


@dataclass(frozen=True)
class Removal:
    """One kind of thing the cleaner took out of the body: ``what`` as the author typed it."""

    what: str
    why: str

    def __str__(self):
        return f"{self.what} ({self.why})"


class _Inventory(HTMLParser):
    """Counts the tags, and each tag's attributes, in a piece of HTML."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.attributes = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, _value in attrs:
            self.attributes[tag, name] += 1


def body_removals(text):
    """What cleaning takes out of the HTML the Markdown ``text`` makes, one per kind.

    Counting tags and attributes before and after the cleaner, rather than repeating
    its rules, keeps this true whatever the allow-lists become.
    """
    before = _Inventory(_markdown_to_html(text))
    after = _Inventory(clean_html(_markdown_to_html(text)))
    removed_tags = {tag for tag in before.tags if before.tags[tag] > after.tags[tag]}
    removals = {}
    for tag in before.tags:
        if tag in removed_tags and tag not in _UNREPORTED_TAGS:
            removals.setdefault(f"<{tag}>", TAG_REASONS.get(tag, TAG_REASON))
    for (tag, name), count in before.attributes.items():
        if tag in removed_tags or name in _UNREPORTED_ATTRIBUTES:
            continue
        if count > after.attributes[tag, name]:
            reason = EVENT_HANDLER_REASON if name.startswith("on") else None
            removals.setdefault(
                f"{name} attribute", reason or ATTRIBUTE_REASONS.get(name, ATTRIBUTE_REASON)
            )
    return [Removal(what, why) for what, why in removals.items()]


# nh3 writes every attribute as name="value", with the value's quotes escaped.
# A whole tag, quoted values and all: a ">" inside an alt text does not end it.
_IMG_TAG = r'<img\b(?:\s+[a-z-]+(?:="[^"]*")?)*\s*/?>'
_IMG = re.compile(_IMG_TAG)
# An image alone in its paragraph becomes a figure with its caption.
_IMG_MAYBE_ALONE = re.compile(rf"(<p>\s*)?({_IMG_TAG})(\s*</p>)?")
_LINK_OPENS, _LINK_CLOSES = re.compile(r"<a\b"), re.compile(r"</a>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_PICTURE_NUMBER = re.compile(rf"{PICTURE_SCHEME}:(\d{{1,5}})")
# Browsers drop tabs and newlines inside a URL, and read "\" as "/" (WHATWG URL).
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")


def _attributes(tag):
    return {name: unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _is_on_this_site(src):
    """A path on this site; anything with a scheme or a host may load from elsewhere."""
    src = _IGNORED_IN_URLS.sub("", src).strip()
    if "\\" in src or src.startswith("//"):
        return False
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc


def _image_sources(text):
    cleaned = clean_html(_markdown_to_html(text))
    return [_attributes(tag).get("src", "") for tag in _IMG.findall(cleaned)]


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
    def in_a_link(position):
        before = body_html[:position]
        return len(_LINK_OPENS.findall(before)) > len(_LINK_CLOSES.findall(before))

    def place(match):
        opening, tag, closing = match.groups()
        if in_a_link(match.start()):
            # An image that is a link's content: a link may not hold another link.
            placed = _image(tag, pictures, alone=False, in_link=True)
            return (opening or "") + placed + (closing or "")
        if not (opening and closing):
            return (opening or "") + _image(tag, pictures, alone=False) + (closing or "")
        placed = _image(tag, pictures, alone=True)
        if not placed or placed.startswith("<figure"):
            return placed
        return f"{opening}{placed}{closing}"

    return _IMG_MAYBE_ALONE.sub(place, body_html)


def _image(tag, pictures, *, alone, in_link=False):
    attributes = _attributes(tag)
    src, alt = attributes.get("src", ""), attributes.get("alt", "")
    number = _PICTURE_NUMBER.fullmatch(src)
    if number:
        picture = pictures.get(int(number[1]))
        if picture is None or not picture.image:
            return ""
        context = {"picture": picture, "alt": alt, "with_caption": alone}
        return render_to_string("blog/_picture.html", context).strip()
    if not src:
        return ""
    if not _is_on_this_site(src):
        host = urlsplit(_IGNORED_IN_URLS.sub("", src).strip().replace("\\", "/")).hostname
        label = _("Image: %(label)s (%(site)s)") % {
            "label": alt or src.rsplit("/", 1)[-1],
            "site": host or _("another site"),
        }
        if in_link:
            return format_html("{}", label)
        return format_html(
            '<a class="outside-image" href="{}" rel="nofollow noopener">{}</a>', src, label
        )
    return tag.replace("<img ", '<img loading="lazy" decoding="async" ', 1)
