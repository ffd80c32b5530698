"""WordPress's addresses, and the Montage addresses they mean now.

The import records each imported item's old addresses in the redirect table, the one
that keeps old links working when a slug changes (``blog.redirects``): a post's
``/?p=ID``, its permalink as the export gives it, and the other shapes WordPress
answers for it (``/YYYY/MM/DD/slug/``, ``/YYYY/MM/slug/``, ``/slug/``), so a link
survives whichever permalink setting the old site had. Addresses below a recorded
one follow it, so a post's ``/feed/`` reaches the post's comment feed.

Some of WordPress's addresses are a grammar rather than a list: ``/page/N/`` after any
list, ``/comment-page-N/`` after a post, date archives. ``montage_address()`` reads
them as the address Montage has for the same thing; the redirect middleware asks it
about a path that would otherwise be a 404.
"""

import re
from urllib.parse import urlencode

from django.urls import reverse

# /category/films/page/2/, /page/3/: WordPress's pagination of any list.
_PAGED = re.compile(r"^(?P<list>.*/)page/(?P<number>[0-9]{1,6})/?$")
# /2016/03/14/training/comment-page-2/: one page of a post's comments (Montage has one).
_COMMENT_PAGE = re.compile(r"^(?P<post>.*/)comment-page-[0-9]{1,6}/?$")
# /2016/, /2016/03/, /2016/03/14/: WordPress's date archives.
_DATE_ARCHIVE = re.compile(r"^/(?P<year>[12][0-9]{3})/(?:(?P<month>[01][0-9])/(?:[0-3][0-9]/)?)?$")

# /training/amp/, /training/attachment/snow/: a post's other views, and its pictures'.
_POST_VIEW = re.compile(r"^(?P<post>.*/)(?:amp|attachment/[^/]+|embed|trackback)/?$")
# /index.php/2016/03/14/training/: "almost pretty" permalinks, for servers without rewrites.
_INDEX_PHP = re.compile(r"^/index\.php(?P<rest>/.*)$")

# Site-wide addresses whose Montage equivalent lives elsewhere.
SITE_ADDRESSES = {
    "/comments/feed/": "/feed/comments/",
    "/feed/rss2/": "/feed/",
    "/feed/rss/": "/feed/",
    "/feed/atom/": "/feed/atom/",
    "/comments/feed/atom/": "/feed/comments/atom/",
}


def post_addresses(*, base_path, link, slug, kind, wp_id, local_date):
    """The addresses WordPress answered for one post or page, most likely first.

    ``base_path`` is where the blog lived on its site ("" or "/blog"); ``slug`` is
    WordPress's own, percent-encoded as the export has it; ``local_date`` is the date
    as the old site wrote it, in its own time zone, as its permalinks have it.
    """
    query = "page_id" if kind == "page" else "p"
    addresses = [f"{base_path}/?{query}={wp_id}"]
    link_path = _path_of(link)
    if link_path and link_path.rstrip("/") != base_path:
        addresses.append(link_path)
    if slug:
        addresses.append(f"{base_path}/{slug}/")
        if kind == "post" and local_date is not None:
            addresses.append(f"{base_path}/{local_date:%Y/%m/%d}/{slug}/")
            addresses.append(f"{base_path}/{local_date:%Y/%m}/{slug}/")
    return list(dict.fromkeys(addresses))


def category_address(*, base_path, slugs):
    """``/category/parent/child/``: a category's address with its ancestors' slugs."""
    return f"{base_path}/category/{'/'.join(slugs)}/"


def author_address(*, base_path, login):
    return f"{base_path}/author/{login}/"


def site_addresses(*, base_path):
    """(old, new) for the site's own addresses that moved, and the blog's old home."""
    pairs = [(f"{base_path}{old}", new) for old, new in SITE_ADDRESSES.items()]
    if base_path:
        pairs.append((f"{base_path}/", "/"))
    return pairs


def montage_address(path):
    """(path, query) meaning what WordPress's ``path`` meant, or None if it is not one."""
    if found := _INDEX_PHP.match(path):
        return montage_address(found["rest"]) or (found["rest"], "")
    if found := _POST_VIEW.match(path):
        return found["post"], ""
    if found := _PAGED.match(path):
        return found["list"], f"page={int(found['number'])}"
    if found := _COMMENT_PAGE.match(path):
        return found["post"], ""
    if found := _DATE_ARCHIVE.match(path):
        year = int(found["year"])
        if found["month"] and 1 <= int(found["month"]) <= 12:
            address = reverse("blog:archive_month", args=[year, int(found["month"])])
        else:
            address = reverse("blog:archive_year", args=[year])
        return address, ""
    return None


# A WordPress item asked for by number, which the table does not know: not here.
NOT_HERE = object()
_ITEM_KEYS = ("p", "page_id", "attachment_id", "preview_id")
# ?feed=… : the feed's name here.
_FEEDS = {
    "rss2": "blog:feed",
    "rss": "blog:feed",
    "atom": "blog:feed_atom",
    "comments-rss2": "blog:comments_feed",
    "comments-atom": "blog:comments_feed_atom",
}


def montage_query_address(query):
    """What WordPress's ``/?key=value`` addresses mean here: (path, query), NOT_HERE or None.

    The recorded ones (``/?p=12`` of an imported post) are the redirect table's; these
    are the rest: feeds, search, tags and date archives, and items it does not hold.
    """
    feed = query.get("feed", "")
    if feed in _FEEDS:
        return reverse(_FEEDS[feed]), ""
    if query.get("s", "").strip():
        return reverse("blog:search"), urlencode({"q": query["s"].strip()})
    if re.fullmatch(r"[-\w]{1,100}", query.get("tag", "")):
        return reverse("blog:tag", kwargs={"slug": query["tag"]}), ""
    month = re.fullmatch(r"([12][0-9]{3})([01][0-9])?", query.get("m", "")[:6])
    if month:
        return montage_address(f"/{month[1]}/{month[2] + '/' if month[2] else ''}")
    if any(query.get(key, "").isdigit() for key in _ITEM_KEYS):
        return NOT_HERE
    return None


def _path_of(link):
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", link or "", flags=re.I)
    path = path.partition("#")[0]
    if not path.startswith("/") or "?" in path:
        return ""
    return path if path.endswith("/") else f"{path}/"
