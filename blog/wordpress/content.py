"""A WordPress post's content as a Montage body: clean HTML blocks that Markdown keeps.

WordPress stores either block-editor markup (HTML between ``<!-- wp:name {...} -->``
comments) or classic-editor text, whose paragraphs only exist once ``wpautop`` has
run, and both may hold shortcodes. ``convert()`` removes the block comments and keeps
what they wrap, makes paragraphs as ``wpautop`` would, turns the shortcodes Montage
knows into HTML, and takes each YouTube or Vimeo video out of the body: the post shows
them in its player. The result is HTML in blocks separated by blank lines, which
Markdown passes through untouched, so a WordPress ``*`` or ``_`` never turns into
emphasis. Whatever is not understood stays visible in the body and is counted in
``unknown`` for the import's report.

Everything here is string work with linear regular expressions, so a hostile or
broken post costs time in proportion to its length and never raises.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape, unescape

from django.core.exceptions import ValidationError

from blog.embeds import parse_video_url
from blog.markup import clean_html


@dataclass
class Converted:
    """A post's content made ready for Montage.

    ``more_lead`` is what came before ``<!--more-->`` (empty without one); ``body`` is
    the rest. ``galleries`` holds, for each ``[gallery]`` in order, the attachment ids
    it names (an empty tuple: the post's own attachments). The shortcode stays in the
    body as written, for the importer, which knows the attachments, to replace with
    ``gallery_replace()``; where it cannot, the author still sees what was there.
    """

    body: str = ""
    more_lead: str = ""
    videos: list[str] = field(default_factory=list)
    # A video's caption where the post gave one (an embed block's figcaption), by URL.
    video_titles: dict[str, str] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)
    galleries: list[tuple[int, ...]] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    kept: list[tuple[str, str]] = field(default_factory=list)


# A [gallery], with the paragraph around it when it stands alone in one.
GALLERY = re.compile(r"<p>\s*\[gallery\b[^\]\[]*\]\s*</p>|\[gallery\b[^\]\[]*\]", re.IGNORECASE)


def gallery_ids(shortcode):
    """The attachment ids a ``[gallery ids="3,4"]`` names, in its order; [] for none."""
    named = re.search(r"""\bids\s*=\s*["']?([\d,\s]+)""", shortcode, re.IGNORECASE)
    return [int(number) for number in re.findall(r"\d+", named[1])] if named else []


def gallery_replace(body, figures):
    """``body`` with its n-th ``[gallery]`` replaced by ``figures[n]`` where that is set."""
    galleries = iter(figures)

    def replace(match):
        figure = next(galleries, None)
        return f"\n\n{figure}\n\n" if figure else match.group(0)

    return _tidy(GALLERY.sub(replace, body))


# <!-- wp:paragraph -->, <!-- wp:image {"id":5} -->, <!-- /wp:image -->, <!-- wp:spacer /-->.
# Attributes are JSON that cannot hold "--", so the lazy match ends at the comment's end.
_BLOCK_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)"
    r"\s+(?P<attributes>\{.*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
# Blocks whose saved HTML is the content itself, or that only wrap other blocks.
KNOWN_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "pullquote", "image", "gallery",
    "columns", "column", "group", "row", "stack", "separator", "spacer", "table",
    "preformatted", "code", "verse", "html", "freeform", "more", "nextpage", "buttons",
    "button", "media-text", "cover", "video", "audio", "file", "shortcode", "details",
    "embed", "missing", "footnotes", "text-columns", "subhead",
}  # fmt: skip
# Blocks that WordPress draws at view time from the database: nothing saved to keep.
DYNAMIC_BLOCKS = {
    "latest-posts", "latest-comments", "archives", "categories", "tag-cloud", "calendar",
    "rss", "search", "page-list", "navigation", "social-links", "query", "post-title",
    "post-content", "site-title", "site-logo", "loginout", "block",
}  # fmt: skip

_MORE = re.compile(r"<!--more(?P<text>.*?)-->", re.DOTALL)
_NEXTPAGE = re.compile(r"<!--nextpage-->")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# [name attributes], [name attributes /], [/name] and the escape [[name]].
_SHORTCODE = re.compile(
    r"\[(?P<escape>\[)?(?P<closer>/)?(?P<name>[A-Za-z][\w-]*)"
    r"(?P<attributes>(?:\s[^\]\[]*?)?|=[^\]\[]*?)(?P<void>/)?\](?P<escaped>\])?"
)
_SHORTCODE_ATTRIBUTE = re.compile(
    r"""(?P<key>[\w-]+)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"']+))"""
    r"""|"(?P<lone_double>[^"]*)"|'(?P<lone_single>[^']*)'|(?P<lone>[^\s"'=][^\s"']*)"""
)
# Shortcodes that wrap content, and those that stand alone.
_ENCLOSING = {"embed", "caption", "wp_caption", "youtube", "vimeo", "video", "audio"}
_STANDALONE = {"gallery", "youtube", "vimeo", "video", "audio", "playlist"}

_URL_LINE = re.compile(
    r"^[ \t]*(?:<p>)?[ \t]*(?P<url>https?://[^\s<>\"']+)[ \t]*(?:</p>)?[ \t]*$", re.M
)
_IMAGE_SOURCE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_LINKED_IMAGE = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.I)
# What ``wpautop`` treats as a block: paragraphs never open inside these.
_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|audio|"
    "video|source|object|embed|script|noscript"
)
_BLOCK_OPENING = re.compile(rf"(<(?:{_BLOCK_TAGS})[\s/>])", re.I)
_BLOCK_CLOSING = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.I)
_BLOCK_IN_PARAGRAPH = re.compile(rf"<p>\s*(</?(?:{_BLOCK_TAGS})[^>]*>)", re.I)
_BLOCK_IN_PARAGRAPH_END = re.compile(rf"(</?(?:{_BLOCK_TAGS})[^>]*>)\s*</p>", re.I)
_NEWLINE = re.compile(r"(?<!<br>)[ \t]*\n[ \t]*")
_LINE_BREAK_AFTER_BLOCK = re.compile(rf"(</?(?:{_BLOCK_TAGS})[^>]*>)<br>", re.I)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>|&nbsp;|\u00a0)*</p>")
# The classic editor's old tags, as the body's allow-list knows them.
_OLD_TAGS = {"b": "strong", "i": "em", "h1": "h2", "strike": "s", "tt": "code"}
_OLD_TAG = re.compile(r"<(/?)(b|i|h1|strike|tt)\b([^>]*)>", re.I)
# <sup data-fn="a1b2" class="fn">: the block editor's footnote number (WordPress 6.3+).
_FOOTNOTE_MARK = re.compile(r"""<sup\b[^>]*\bdata-fn=["']([\w-]{1,64})["'][^>]*>""", re.I)
# A player pasted as HTML: <iframe src="https://www.youtube.com/embed/…"> or Flash's <embed>.
_PLAYER = re.compile(
    r"""<(?P<tag>iframe|embed)\b[^>]*?\ssrc\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
    r"""[^>]*>(?:\s*</(?P=tag)\s*>)?""",
    re.I,
)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_KEPT_VERBATIM = re.compile(r"<(pre|script|style|textarea)\b.*?</\1\s*>", re.I | re.DOTALL)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def convert(content):
    """``content`` (a WordPress post's ``content:encoded``) as a ``Converted``."""
    result = Converted()
    text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
    scripts = len(_SCRIPT.findall(text))
    if scripts:
        result.unknown["<script>, left out: a post here runs no script"] += scripts
    text = re.sub("[\x00\ue000\ue001]", "", text)
    text = _NEXTPAGE.sub("\n\n", text)
    teaser, more, rest = _more_split(text)
    if more:
        result.more_lead = _convert_part(teaser, result)
        result.body = _convert_part(rest, result)
    else:
        result.body = _convert_part(text, result)
    result.images = _image_sources(result.more_lead + result.body)
    return result


def _more_split(text):
    found = _MORE.search(text)
    if found is None:
        return text, "", ""
    teaser = text[: found.start()]
    # The block editor wraps the marker in a "more" block; its opening goes with it.
    teaser = re.sub(r"<!--\s+wp:more\b[^>]*?-->\s*\Z", "", teaser)
    rest = re.sub(r"\A\s*<!--\s+/wp:more\s+-->", "", text[found.end() :])
    if not teaser.strip():
        return "", "", rest
    return teaser, found.group(0), rest


def _convert_part(text, result):
    if _BLOCK_DELIMITER.search(text):
        text = _players_take(_blocks_unwrap(text, result), result)
        text = _shortcodes_convert(text, result)
    else:
        text = _shortcodes_convert(_players_take(text, result), result)
        text = _autop(text)
    text = _video_lines_take(text, result)
    text = _HTML_COMMENT.sub("", text)
    text = _OLD_TAG.sub(lambda match: f"<{match[1]}{_OLD_TAGS[match[2].lower()]}{match[3]}>", text)
    # A footnote's number: the way back to it is the <sup>'s id, as in Montage's own.
    text = _FOOTNOTE_MARK.sub(r'<sup id="\1-link">', text)
    text = _EMPTY_PARAGRAPH.sub("", clean_html(text, for_source=True))
    return _tidy(_KEPT.sub(lambda match: _kept_as_written(match, result), text))


# Block editor


def _blocks_unwrap(text, result):
    """Keep each block's saved HTML without its comments; embeds and the unknown aside.

    Text outside any block is the classic editor's (a post begun before the block
    editor, or a freeform block), so it gets ``wpautop``'s paragraphs.
    """
    pieces = []
    depth = 0
    embeds = []  # (attributes, index in pieces where the embed's HTML starts)
    position = 0
    for delimiter in _BLOCK_DELIMITER.finditer(text):
        between = text[position : delimiter.start()]
        pieces.append(between if depth else _autop(between))
        position = delimiter.end()
        name = delimiter["name"].removeprefix("core/")
        attributes = _block_attributes(delimiter["attributes"])
        if delimiter["closer"]:
            depth = max(depth - 1, 0)
            if embeds and embeds[-1][0] == name:
                embed_name, embed_attributes, start = embeds.pop()
                html = "".join(pieces[start:])
                del pieces[start:]
                pieces.append(_embed(embed_name, embed_attributes, html, result))
            continue
        known = name in KNOWN_BLOCKS or _is_embed(name)
        if not known:
            result.unknown[f"block {delimiter['name']}"] += 1
        if delimiter["void"]:
            if name in DYNAMIC_BLOCKS or not known:
                what = escape(delimiter["name"])
                pieces.append(f"\n\n<p>(WordPress block “{what}”, not imported)</p>\n\n")
            continue
        depth += 1
        if _is_embed(name):
            embeds.append((name, attributes, len(pieces)))
        pieces.append("\n\n")
    tail = text[position:]
    pieces.append(tail if depth else _autop(tail))
    return "".join(pieces)


def _is_embed(name):
    return name == "embed" or name.startswith("core-embed/")


def _block_attributes(raw):
    if not raw:
        return {}
    try:
        attributes = json.loads(raw)
    except ValueError:
        return {}
    return attributes if isinstance(attributes, dict) else {}


def _embed(name, attributes, html, result):
    url = attributes.get("url")
    if not isinstance(url, str) or not url.strip():
        found = re.search(r"https?://[^\s<>\"']+", html)
        url = found.group(0) if found else ""
    url = unescape(url.strip())
    caption = re.search(r"<figcaption\b[^>]*>(.*?)</figcaption>", html, re.I | re.DOTALL)
    if _video_take(url, result):
        title = unescape(re.sub(r"<[^>]*>", "", caption.group(1))).strip() if caption else ""
        if title:
            result.video_titles.setdefault(url, title)
        return "\n\n"
    if url:
        provider = attributes.get("providerNameSlug") or name.removeprefix("core-embed/")
        result.unknown[f"embed from {provider or 'an unknown site'}"] += 1
        return _link_paragraph(url) + (f"\n\n<p>{caption.group(1)}</p>" if caption else "")
    return html


# Classic editor


def _autop(text):
    """Paragraphs and line breaks as WordPress's ``wpautop`` makes them.

    Blank lines end a paragraph, a single newline inside one is a ``<br>``, and
    nothing opens a paragraph around a block element or inside ``<pre>``.
    """
    if not text.strip():
        return text
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _KEPT_VERBATIM.sub(keep, text)
    text = _BLOCK_OPENING.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSING.sub(r"\1\n\n", text)
    paragraphs = []
    for chunk in _BLANK_LINES.split(text.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if not chunk.startswith("\x00"):
            chunk = _LINE_BREAK_AFTER_BLOCK.sub(r"\1", _NEWLINE.sub("<br>\n", chunk))
            chunk = _BLOCK_IN_PARAGRAPH_END.sub(
                r"\1", _BLOCK_IN_PARAGRAPH.sub(r"\1", f"<p>{chunk}</p>")
            )
        paragraphs.append(chunk)
    text = "\n\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda match: kept[int(match.group(1))], text)


# Shortcodes


def _shortcodes_convert(text, result):
    """Known shortcodes as HTML or videos; unknown ones kept as written and counted.

    Shortcodes do not nest in WordPress (one level of ``[caption]`` around an image is
    all that is seen), so one pass over the text, pairing each enclosing shortcode with
    the next closing tag of its name, is enough. Where each name is last closed is found
    first, so a thousand unclosed openings cost one pass, not a thousand.
    """
    last_closing = {
        found["name"].lower(): found.start()
        for found in _SHORTCODE.finditer(text)
        if found["closer"] and not found["escape"]
    }
    out = []
    position = 0
    for match in _SHORTCODE.finditer(text):
        if match.start() < position:
            continue
        out.append(text[position : match.start()])
        position = match.end()
        name = match["name"].lower()
        if match["escape"] and match["escaped"]:
            out.append(match.group(0)[1:-1])
            continue
        if match["closer"]:
            # Only ever WordPress's: the end of a shortcode it would have run.
            out.append(_kept(match.group(0), match.group(0), result))
            if name in _ENCLOSING:
                result.unknown[f"shortcode [/{name}] without its opening"] += 1
            continue
        closed_later = last_closing.get(name, -1) >= position
        inner = None
        if name in _ENCLOSING and not match["void"] and closed_later:
            closing = re.compile(rf"\[/{re.escape(name)}\]", re.I).search(text, position)
            inner = text[position : closing.start()]
            position = closing.end()
        if inner is None and name not in _STANDALONE:
            if match["attributes"].strip() or "-" in name or "_" in name or closed_later:
                # ``[contact-form id="1"]`` is a shortcode; ``[sic]`` in a sentence is not.
                # Readers see that one was there, by its name; its words were for
                # WordPress and may hold what it never showed (``to="me@…"``), so they
                # are kept for the author only, in a note beside it.
                result.unknown[f"shortcode [{match['name']}]"] += 1
                shown = f"[{match['name']} …]" if match["attributes"].strip() else match.group(0)
                out.append(_kept(shown, match.group(0), result))
            else:
                out.append(match.group(0))
            continue
        attributes = _shortcode_attributes(match["attributes"])
        out.append(_shortcode(name, attributes, inner or "", result, match.group(0)))
    out.append(text[position:])
    return "".join(out)


def _shortcode_attributes(raw):
    raw = (raw or "").strip()
    if raw.startswith("="):  # Jetpack's [youtube=URL]
        return {"0": unescape(raw[1:].strip().strip("\"'"))}
    attributes, number = {}, 0
    for found in _SHORTCODE_ATTRIBUTE.finditer(raw):
        if found["key"]:
            value = found["double"] if found["double"] is not None else found["single"]
            value = value if value is not None else found["bare"]
            attributes[found["key"].lower()] = unescape(value or "")
        else:
            lone = found["lone_double"] or found["lone_single"] or found["lone"] or ""
            attributes[str(number)] = unescape(lone)
            number += 1
    return attributes


def _shortcode(name, attributes, inner, result, written):
    if name == "caption" or name == "wp_caption":
        return _caption(attributes, inner)
    if name == "gallery":
        result.galleries.append(tuple(gallery_ids(written)))
        return f"\n\n<p>{written}</p>\n\n"
    if name in ("embed", "youtube", "vimeo"):
        url = (inner.strip() or attributes.get("url") or attributes.get("0") or "").strip()
        if name == "vimeo" and url.isdigit():
            url = f"https://vimeo.com/{url}"
        if name == "youtube" and re.fullmatch(r"[A-Za-z0-9_-]{11}", url):
            url = f"https://www.youtube.com/watch?v={url}"
        url = unescape(re.sub(r"<[^>]*>", "", url))
        if _video_take(url, result):
            return "\n\n"
        if url.startswith(("http://", "https://")):
            result.unknown[f"[{name}] of a page that is not a video"] += 1
            return _link_paragraph(url)
        result.unknown[f"shortcode [{name}]"] += 1
        return written + inner
    if name in ("video", "audio", "playlist"):
        sources = [
            attributes[key]
            for key in ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "wav")
            if attributes.get(key)
        ]
        for source in sources:
            if _video_take(source, result):
                return "\n\n"
        if sources:
            return _link_paragraph(sources[0], label=f"{name.capitalize()}: {sources[0]}")
        result.unknown[f"shortcode [{name}]"] += 1
        return written + inner
    return written + inner


def _caption(attributes, inner):
    """``[caption]<img> The caption[/caption]`` as a figure with its figcaption."""
    image = _LINKED_IMAGE.search(inner)
    if image is None:
        return inner
    caption = attributes.get("caption") or (inner[: image.start()] + inner[image.end() :])
    caption = caption.strip()
    figure = f"\n\n<figure>{image.group(0)}"
    if caption:
        figure += f"<figcaption>{caption}</figcaption>"
    return figure + "</figure>\n\n"


# Videos and links


def _video_take(url, result):
    """Record ``url`` as one of the post's videos if it is one Montage can play."""
    if not url or not url.startswith(("http://", "https://")):
        return False
    try:
        parse_video_url(url)
    except ValidationError:
        return False
    if url not in result.videos:
        result.videos.append(url)
    return True


def _video_lines_take(text, result):
    """A YouTube or Vimeo address alone on its line is an embed, as WordPress shows it."""

    def take(match):
        url = unescape(match["url"])
        return "" if _video_take(url, result) else match.group(0)

    return _URL_LINE.sub(take, text)


def _players_take(text, result):
    """A pasted ``<iframe>`` player is the post's video; any other becomes a link."""

    def take(match):
        source = unescape(match["double"] if match["double"] is not None else match["single"])
        if source.startswith("//"):
            source = f"https:{source}"
        if _video_take(source, result):
            return ""
        result.unknown[f"<{match['tag'].lower()}> of a page that is not a video"] += 1
        return _link_paragraph(source) if source.startswith(("http://", "https://")) else ""

    return _PLAYER.sub(take, text)


# What the body keeps: shown to readers as ``shown``, and whole, for the author only, in
# an HTML comment, which the body's cleaner leaves out of the page. Marked while the
# HTML is worked on, since that cleaning would take the comment out of the body too.
_KEPT = re.compile("\ue000(\\d+)\ue001")


def _kept(shown, written, result):
    result.kept.append((shown, written))
    return f"\ue000{len(result.kept) - 1}\ue001"


def _kept_as_written(match, result):
    shown, written = result.kept[int(match[1])]
    return escape(shown) if shown == written else f"{escape(shown)}{_note(written)}"


def _note(text):
    """``text`` as an HTML comment that nothing in it can end early."""
    return f"<!-- {re.sub(r'-(?=-)', '- ', text).replace('>', '&gt;')} -->"


def _link_paragraph(url, *, label=None):
    return f'\n\n<p><a href="{escape(url)}">{escape(label or url)}</a></p>\n\n'


def _image_sources(html):
    return [unescape(double or single) for double, single in _IMAGE_SOURCE.findall(html)]


_GAP_AFTER_OPENING = re.compile(r"(<(?:ul|ol|dl|figure|table|thead|tbody|tr)\b[^>]*>)\n\n")
_GAP_BEFORE_PART = re.compile(
    r"\n\n(?=<(?:li|figcaption|thead|tbody|tr|td|th|dt|dd)\b|</(?:ul|ol|dl|figure|table)>)"
)


def _tidy(text):
    """Blocks separated by one blank line, and none inside a list, figure or table."""
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()
    return _GAP_BEFORE_PART.sub("\n", _GAP_AFTER_OPENING.sub(r"\1\n", text))
