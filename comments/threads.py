"""Threads built in Python from one flat query, whatever the number of comments."""

import math
from dataclasses import dataclass, field


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

    @property
    def page_range(self):
        return range(1, self.pages + 1)


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
        ordered.append(comment)
        replies = children.get(comment.pk, [])
        next_depth = min(depth + 1, max_depth)
        stack.extend((reply, next_depth) for reply in reversed(replies))
