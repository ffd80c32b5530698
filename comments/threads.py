"""Threads built in Python from one flat query, whatever the number of comments."""

import hashlib
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import SimpleLazyObject

from comments.models import Comment
from freshness import version
from page_cache.fragments import Fragment

# Phones stop indenting replies past this depth and name the parent instead (LOOK.md).
INDENTED_DEPTH_ON_PHONES = 3
# Raised when what a cached thread holds changes, so no entry cached before a deploy
# is read as the new shape (3: keyed by the content version; 4: the approved comments'
# key instead of the comments; 5: the HTML as a fragment).
THREAD_CACHE_VERSION = 5


@dataclass
class Thread:
    """One page of a target's comments, in display order, ready for a flat template loop.

    Each comment gets ``depth`` (1 for top level), ``has_replies`` (a nested list opens
    after it) and ``closes`` (how many nested lists end after it), so the template can
    emit properly nested lists without recursion — one template render for the page.
    """

    comments: list = field(default_factory=list)
    count: int = 0
    page: int = 1
    pages: int = 1


@dataclass(frozen=True)
class ShownComment:
    """An approved comment on the page, as a host may describe it to machines (JSON-LD):
    what readers see of it, never the email address or anything else kept private."""

    pk: int
    parent_pk: int | None
    name: str
    url: str
    text: str
    created_at: object
    is_author: bool


def build_thread(comments, *, max_depth, per_page, page):
    """Arrange ``comments`` (oldest first) into threads, paginated by top-level thread.

    Replies deeper than ``max_depth`` are shown at that depth, after their parent.
    A reply whose parent is not visible is shown as a top-level comment.
    """
    by_id = {comment.pk: comment for comment in comments}
    children, roots = {}, []
    for comment in comments:
        if comment.parent_id in by_id:
            children.setdefault(comment.parent_id, []).append(comment)
        else:
            roots.append(comment)
    pages = max(1, math.ceil(len(roots) / per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    ordered = []
    for root in roots[start : start + per_page]:
        _walk(root, 1, children, by_id, max_depth, ordered)
    for index, comment in enumerate(ordered):
        following = ordered[index + 1].depth if index + 1 < len(ordered) else 1
        comment.has_replies = following > comment.depth
        comment.closes = range(max(comment.depth - following, 0))
    approved = sum(1 for comment in comments if comment.is_approved)
    return Thread(comments=ordered, count=approved, page=page, pages=pages)


def _walk(root, depth, children, by_id, max_depth, ordered):
    stack = [(root, depth)]
    while stack:
        comment, depth = stack.pop()
        comment.depth = depth
        parent = by_id.get(comment.parent_id)
        comment.reply_to = parent
        comment.names_parent = parent is not None and depth > INDENTED_DEPTH_ON_PHONES
        ordered.append(comment)
        replies = children.get(comment.pk, [])
        next_depth = min(depth + 1, max_depth)
        stack.extend((reply, next_depth) for reply in reversed(replies))


def _dates(moment, zone, months):
    """``moment`` in ``zone``, as the date filter would write it with ``Y-m-d\\TH:i:sO``
    and ``j F Y, H:i`` (``months``: the month names in the active language): the filter,
    1,000 times a page of 500 comments, took a third of the thread's rendering."""
    local = moment.astimezone(zone)
    offset = local.utcoffset()
    seconds = offset.days * 86400 + offset.seconds
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    utc_offset = f"{sign}{seconds // 3600:02d}{(seconds // 60) % 60:02d}"
    clock = f"{local.hour:02d}:{local.minute:02d}"
    day = f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
    machine = f"{day}T{clock}:{local.second:02d}{utc_offset}"
    return machine, f"{local.day} {months[local.month]} {local.year:04d}, {clock}"


def _shown(comment):
    parent = comment.reply_to
    return ShownComment(
        pk=comment.pk,
        parent_pk=parent.pk if parent is not None and parent.is_approved else None,
        name=comment.name,
        url=comment.url,
        text=comment.text,
        created_at=comment.created_at,
        is_author=comment.is_author,
    )


def _cache_key(target, page, can_reply, conf):
    # The page's address, hashed to keep the key short (the thread's links carry it), and
    # the active time zone, which the site may change (comment dates are shown in it).
    address = hashlib.blake2b(target.get_absolute_url().encode(), digest_size=8).hexdigest()
    parts = (
        f"comments:thread:v{THREAD_CACHE_VERSION}", version.current(), target._meta.label_lower,
        target.pk, address, page, can_reply, conf.thread_depth, conf.per_page,
        timezone.get_current_timezone_name(),
    )  # fmt: skip
    return ":".join(str(part) for part in parts)


def thread_page(target, *, page, own_pending, can_reply, conf, approved_count=None):
    """One page of ``target``'s thread as HTML, with its count and page numbers.

    Cached when only approved comments are shown, under the content version
    (``freshness``): read from the database, so every process sees a change at once
    whatever the cache backend (a local-memory cache is per process).
    ``approved_count`` is the number of approved comments, when the caller read it along
    with the target; it keeps odd page numbers from filling the cache.

    ``approved`` is the page's approved comments (``ShownComment``), for a host's
    structured data, and ``approved_key`` names them, for a host caching what it makes of
    them. A cached page holds only the key: the comments are read again only if a host
    asks for them.
    """
    comments = Comment.objects.for_target(target)

    def arranged():
        rows = list(
            comments.visible_to(own_pending)
            .defer("email", "ip_address", "user_agent", "user_id")
            .order_by("created_at", "id")
        )
        return build_thread(rows, max_depth=conf.thread_depth, per_page=conf.per_page, page=page)

    def render():
        thread = arranged()
        zone = timezone.get_current_timezone()
        months = {number: str(name) for number, name in MONTHS.items()}
        for comment in thread.comments:
            # At the depth limit a reply could only be shown beside its parent, not under it.
            comment.shows_reply = (
                can_reply and comment.is_approved and comment.depth < conf.thread_depth
            )
            comment.datetime_attribute, comment.date_shown = _dates(
                comment.created_at, zone, months
            )
        # Links carry the page's address: the thread is also shown under the comment
        # endpoint's address, on the page that answers a refused comment.
        context = {"thread": thread, "page_url": target.get_absolute_url()}
        approved = _approved(thread)
        shown = {
            "html": Fragment(render_to_string("comments/_thread.html", context, using="jinja2")),
            "count": thread.count,
            "page": thread.page,
            "pages": thread.pages,
            "approved_key": _approved_key(approved),
        }
        return shown, approved

    if own_pending or not conf.cache_seconds:
        shown, approved = render()
        return shown | {"approved": approved}
    if approved_count is None:
        approved_count = comments.approved().count()
    # No more pages than comments allow, so odd ?cpage= values cannot fill the cache.
    page = min(max(page, 1), max(1, math.ceil(approved_count / conf.per_page)))
    key = _cache_key(target, page, can_reply, conf)
    shown = cache.get(key)
    if shown is None:
        shown, approved = render()
        cache.set(key, shown, conf.cache_seconds)
        return shown | {"approved": approved}
    return shown | {"approved": SimpleLazyObject(lambda: _approved(arranged()))}


def _approved(thread):
    return [_shown(comment) for comment in thread.comments if comment.is_approved]


def _approved_key(approved):
    shown = ",".join(str(comment.pk) for comment in approved)
    return hashlib.blake2b(shown.encode(), digest_size=12).hexdigest()
