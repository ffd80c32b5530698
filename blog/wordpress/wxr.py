"""Read a WordPress eXtended RSS export (WXR 1.0 to 1.2) as a stream of what it holds.

``read_export(path)`` yields the export's ``Site``, then each ``Author``, ``Term`` and
``Item`` (a post, page, attachment or menu entry, with its meta and comments) in file
order. The file is parsed incrementally and each element is dropped once read, so
memory stays flat however big the export. defusedxml refuses a DTD, so no entity is
ever expanded (billion laughs) and nothing outside the file is read (external
entities). Every way the file can be wrong ends in one ``ExportError`` whose message
is a single line fit for the terminal.
"""

import datetime
import os
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# WXR's own namespace moved with each version; these two never did.
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
# WordPress.com writes its exports under https (the Theme Unit Test data is one).
WXR_NAMESPACES = tuple(
    f"{scheme}://wordpress.org/export/1.{minor}/"
    for minor in range(3)
    for scheme in ("http", "https")
)
EXCERPT_NAMESPACES = tuple(f"{namespace}excerpt/" for namespace in WXR_NAMESPACES)
# WordPress writes an unset date as all zeros.
NO_DATE = "0000-00-00 00:00:00"


class ExportError(Exception):
    """The file cannot be read as a WordPress export; the message says why, in a line.

    ``report``: what an import had done before the file broke off, if anything.
    """

    def __init__(self, message, *, report=None):
        super().__init__(message)
        self.report = report


@dataclass
class Site:
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    wxr_version: str


@dataclass
class Author:
    wp_id: int | None
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass
class Term:
    """A category, a tag or another taxonomy's term (``taxonomy`` says which)."""

    taxonomy: str
    wp_id: int | None
    slug: str
    name: str
    parent_slug: str
    description: str


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    user_agent: str
    date: datetime.datetime | None
    date_gmt: datetime.datetime | None
    content: str
    # WordPress's own values: "1" approved, "0" pending, "spam", "trash".
    approved: str
    # "" or "comment" for a comment, "pingback", "trackback" (and plugins' own).
    type: str
    parent_id: int
    user_id: int


@dataclass
class TermRef:
    """A term an item is filed under, as the item names it."""

    taxonomy: str
    slug: str
    name: str


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str
    slug: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date: datetime.datetime | None
    date_gmt: datetime.datetime | None
    parent_id: int
    menu_order: int
    is_sticky: bool
    comment_status: str
    password: str
    attachment_url: str
    terms: list[TermRef] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def read_export(path, *, progress=None):
    """Yield what the export at ``path`` holds; raise ``ExportError`` if it is not one.

    ``progress(bytes_read, bytes_total)``, if given, is called after each entry.
    """
    try:
        source = open(path, "rb")  # noqa: SIM115 (closed in the finally below)
    except OSError as error:
        raise ExportError(f"Cannot open {path}: {error.strerror}.") from None
    try:
        entries = _read(source, path)
        if progress is None:
            yield from entries
        else:
            total = os.fstat(source.fileno()).st_size
            for entry in entries:
                yield entry
                progress(source.tell(), total)
    except DefusedXmlException:
        raise ExportError(
            f"{path} declares a DTD or entities, which a WordPress export never does (is it "
            "a web page or another kind of document?): refused unread."
        ) from None
    except ParseError as error:
        line, column = error.position
        raise ExportError(
            f"{path} is not well-formed XML at line {line}, column {column + 1}"
            " (a truncated or damaged file?)."
        ) from None
    finally:
        source.close()


def _read(source, path):
    depth = 0
    channel = None
    site = {}
    site_read = False
    wxr = None
    for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise ExportError(f"{path} is not a WordPress export: its root is not <rss>.")
            if depth == 2 and element.tag == "channel":
                channel = element
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        # A direct child of <channel> is complete: read it, then drop it.
        tag = element.tag
        if wxr is None and tag.startswith("{"):
            namespace = tag[1 : tag.index("}")]
            if namespace in WXR_NAMESPACES:
                wxr = _Names(namespace)
        if wxr is not None and tag == wxr("wxr_version"):
            site["wxr_version"] = _text(element)
        elif tag in ("title", "link"):
            site[tag] = _text(element)
        elif wxr is not None and tag in (wxr("base_site_url"), wxr("base_blog_url")):
            site[tag.rsplit("}", 1)[1]] = _text(element)
        elif tag == "item" or (wxr is not None and tag.startswith(wxr.prefix)):
            if wxr is None:
                raise ExportError(
                    f"{path} is an RSS feed, not a WordPress export: no WXR version."
                )
            if not site_read:
                # WordPress writes the site's own fields before any author or item.
                site_read = True
                yield _site(site, path)
            found = _read_entry(element, wxr)
            if found is not None:
                yield found
        channel.remove(element)
    if channel is None or wxr is None:
        raise ExportError(f"{path} is not a WordPress export: no WXR channel in it.")
    if not site_read:
        yield _site(site, path)


def _site(site, path):
    if "wxr_version" not in site:
        raise ExportError(f"{path} is not a WordPress export: no <wp:wxr_version>.")
    return Site(
        title=site.get("title", ""),
        link=site.get("link", ""),
        base_site_url=site.get("base_site_url", ""),
        base_blog_url=site.get("base_blog_url", ""),
        wxr_version=site["wxr_version"],
    )


class _Names:
    """Tag names in the export's WXR namespace: ``wxr("post_id")``."""

    def __init__(self, namespace):
        self.prefix = "{" + namespace + "}"

    def __call__(self, name):
        return self.prefix + name


def _read_entry(element, wxr):
    tag = element.tag
    if tag == "item":
        return _item(element, wxr)
    if tag == wxr("author"):
        return Author(
            wp_id=_int(element, wxr("author_id"), None),
            login=_child(element, wxr("author_login")),
            email=_child(element, wxr("author_email")),
            display_name=_child(element, wxr("author_display_name")),
            first_name=_child(element, wxr("author_first_name")),
            last_name=_child(element, wxr("author_last_name")),
        )
    if tag == wxr("category"):
        return Term(
            taxonomy="category",
            wp_id=_int(element, wxr("term_id"), None),
            slug=_child(element, wxr("category_nicename")),
            name=_child(element, wxr("cat_name")),
            parent_slug=_child(element, wxr("category_parent")),
            description=_child(element, wxr("category_description")),
        )
    if tag == wxr("tag"):
        return Term(
            taxonomy="post_tag",
            wp_id=_int(element, wxr("term_id"), None),
            slug=_child(element, wxr("tag_slug")),
            name=_child(element, wxr("tag_name")),
            parent_slug="",
            description=_child(element, wxr("tag_description")),
        )
    if tag == wxr("term"):
        return Term(
            taxonomy=_child(element, wxr("term_taxonomy")),
            wp_id=_int(element, wxr("term_id"), None),
            slug=_child(element, wxr("term_slug")),
            name=_child(element, wxr("term_name")),
            parent_slug=_child(element, wxr("term_parent")),
            description=_child(element, wxr("term_description")),
        )
    return None


def _item(element, wxr):
    excerpt = next(
        (_text(child) for child in element if child.tag in _EXCERPT_TAGS),
        "",
    )
    item = Item(
        wp_id=_int(element, wxr("post_id"), 0),
        post_type=_child(element, wxr("post_type")) or "post",
        status=_child(element, wxr("status")) or "draft",
        title=_child(element, "title"),
        slug=_child(element, wxr("post_name")),
        link=_child(element, "link"),
        guid=_child(element, "guid"),
        creator=_child(element, f"{DC}creator"),
        content=_child(element, f"{CONTENT}encoded"),
        excerpt=excerpt,
        date=_date(_child(element, wxr("post_date"))),
        date_gmt=_date(_child(element, wxr("post_date_gmt")), utc=True),
        parent_id=_int(element, wxr("post_parent"), 0),
        menu_order=_int(element, wxr("menu_order"), 0),
        is_sticky=_child(element, wxr("is_sticky")) == "1",
        comment_status=_child(element, wxr("comment_status")),
        password=_child(element, wxr("post_password")),
        attachment_url=_child(element, wxr("attachment_url")),
    )
    for child in element:
        if child.tag == "category" and child.get("domain"):
            taxonomy = _ITEM_TAXONOMIES.get(child.get("domain"), child.get("domain"))
            term = TermRef(taxonomy, child.get("nicename", ""), _text(child))
            item.terms.append(term)
        elif child.tag == wxr("postmeta"):
            key = _child(child, wxr("meta_key"))
            if key:
                item.meta[key] = _child(child, wxr("meta_value"))
        elif child.tag == wxr("comment"):
            item.comments.append(_comment(child, wxr))
    return item


# WXR 1.0 (WordPress 3.0 and before) filed an item's tags under domain="tag".
_ITEM_TAXONOMIES = {"tag": "post_tag"}
_EXCERPT_TAGS = {f"{{{namespace}}}encoded" for namespace in EXCERPT_NAMESPACES}


def _comment(element, wxr):
    return Comment(
        wp_id=_int(element, wxr("comment_id"), 0),
        author=_child(element, wxr("comment_author")),
        email=_child(element, wxr("comment_author_email")),
        url=_child(element, wxr("comment_author_url")),
        ip=_child(element, wxr("comment_author_IP")),
        user_agent=_child(element, wxr("comment_agent")),
        date=_date(_child(element, wxr("comment_date"))),
        date_gmt=_date(_child(element, wxr("comment_date_gmt")), utc=True),
        content=_child(element, wxr("comment_content")),
        approved=_child(element, wxr("comment_approved")) or "0",
        type=_child(element, wxr("comment_type")),
        parent_id=_int(element, wxr("comment_parent"), 0),
        user_id=_int(element, wxr("comment_user_id"), 0),
    )


def _text(element):
    return (element.text or "").strip()


def _child(element, tag):
    found = element.find(tag)
    return "" if found is None else _text(found)


def _int(element, tag, default):
    value = _child(element, tag)
    return int(value) if value.isdigit() else default


def _date(value, *, utc=False):
    """A WXR date: the site's local time (naive), or UTC for the ``_gmt`` fields."""
    if not value or value == NO_DATE:
        return None
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC) if utc else moment
