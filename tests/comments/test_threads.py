from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from comments.conf import discussion_settings
from comments.models import Comment
from comments.services import comment_trash
from comments.threads import build_thread, thread_page
from tests.factories import CommentFactory, PostFactory


def _comment(pk, parent_id=None, approved=True):
    """The few attributes build_thread reads from a comment."""
    status = Comment.Status.APPROVED if approved else Comment.Status.PENDING
    return SimpleNamespace(pk=pk, parent_id=parent_id, status=status, is_approved=approved)


def _tree(parents):
    """Comments 1..n, oldest first; ``parents[i]`` is the parent pk of comment i + 1."""
    return [_comment(pk, parent) for pk, parent in enumerate(parents, start=1)]


def _build(comments, *, max_depth=5, per_page=50, page=1):
    return build_thread(comments, max_depth=max_depth, per_page=per_page, page=page)


def _shape(thread):
    return [(comment.pk, comment.depth) for comment in thread.comments]


def _assert_properly_nested(thread):
    """Walk the page as the template does: every opened list is closed, none too many."""
    level = 1
    for comment in thread.comments:
        assert comment.depth == level
        if comment.has_replies:
            level += 1
        level -= len(comment.closes)
        assert level >= 1
    assert level == 1


def test_replies_follow_their_parent_oldest_first():
    """Each reply sits under its parent, one level deeper, in the order received."""
    # 1 ─ 2 ─ 4
    #   └ 3
    # 5
    thread = _build(_tree([None, 1, 1, 2, None]))
    assert _shape(thread) == [(1, 1), (2, 2), (4, 3), (3, 2), (5, 1)]


def test_reply_points_at_the_comment_it_answers():
    """Each comment knows the comment it replies to, for "in reply to" links."""
    comments = _tree([None, 1])
    _build(comments)
    assert comments[0].reply_to is None
    assert comments[1].reply_to is comments[0]


def test_replies_deeper_than_max_depth_are_shown_at_max_depth_after_their_parent():
    """Past max_depth, a reply chain continues at that depth, in order after its parent."""
    # 1 ─ 2 ─ 3 ─ 4 ─ 5, then a later reply 6 to 2 and a new thread 7.
    thread = _build(_tree([None, 1, 2, 3, 4, 2, None]), max_depth=2)
    assert _shape(thread) == [(1, 1), (2, 2), (3, 2), (4, 2), (5, 2), (6, 2), (7, 1)]


def test_no_list_opens_under_a_comment_at_max_depth():
    """A reply shown at the same depth as its parent opens no nested list."""
    comments = _tree([None, 1, 2])
    thread = _build(comments, max_depth=2)
    assert [c.has_replies for c in thread.comments] == [True, False, False]
    _assert_properly_nested(thread)


def test_max_depth_one_shows_a_flat_list():
    """With threading off (max_depth 1) every comment is top level, oldest first."""
    thread = _build(_tree([None, 1, 2, 1]), max_depth=1)
    assert _shape(thread) == [(1, 1), (2, 1), (3, 1), (4, 1)]
    assert not any(c.has_replies or c.closes for c in thread.comments)


def test_last_comment_closes_every_open_list():
    """The page ends with all nested lists closed."""
    thread = _build(_tree([None, 1, 2, 3]))
    assert [len(c.closes) for c in thread.comments] == [0, 0, 0, 3]
    _assert_properly_nested(thread)


def test_pagination_counts_top_level_threads():
    """Five threads at two per page make three pages."""
    assert _build(_tree([None] * 5), per_page=2).pages == 3


def test_last_page_holds_the_remaining_thread_with_its_replies():
    """Page 3 of five threads at two per page shows the fifth thread and all its replies."""
    # Roots 1..5, then replies 6 and 7 to root 5, 8 replying to 6, 9 replying to root 1.
    comments = _tree([None, None, None, None, None, 5, 5, 6, 1])
    thread = _build(comments, per_page=2, page=3)
    assert thread.page == 3
    assert _shape(thread) == [(5, 1), (6, 2), (8, 3), (7, 2)]


def test_first_page_holds_the_oldest_threads():
    """Page 1 shows the oldest top-level comments and their replies."""
    comments = _tree([None, None, None, 1])
    assert _shape(_build(comments, per_page=2, page=1)) == [(1, 1), (4, 2), (2, 1)]


def test_page_past_the_end_shows_the_last_page():
    """Asking for page 9 of three gives page 3."""
    thread = _build(_tree([None] * 5), per_page=2, page=9)
    assert thread.page == 3
    assert _shape(thread) == [(5, 1)]


def test_page_below_one_shows_the_first_page():
    """Asking for page 0 or a negative page gives page 1."""
    for page in (0, -4):
        thread = _build(_tree([None] * 5), per_page=2, page=page)
        assert thread.page == 1
        assert _shape(thread) == [(1, 1), (2, 1)]


def test_no_comments_make_one_empty_page():
    """An empty discussion still has one page, with nothing on it."""
    thread = _build([], page=3)
    assert (thread.page, thread.pages, thread.comments, thread.count) == (1, 1, [], 0)
    assert thread.pages == 1


def test_reply_to_a_comment_not_shown_is_top_level():
    """A reply whose parent is missing (e.g. held or trashed) becomes a top-level comment."""
    comments = [_comment(1), _comment(3, parent_id=2), _comment(4, parent_id=3)]
    thread = _build(comments)
    assert _shape(thread) == [(1, 1), (3, 1), (4, 2)]
    assert comments[1].reply_to is None


def test_orphaned_reply_counts_as_a_thread_for_pagination():
    """A reply shown at top level takes a slot among the top-level threads."""
    comments = [_comment(1), _comment(3, parent_id=2), _comment(4)]
    thread = _build(comments, per_page=2, page=2)
    assert thread.pages == 2
    assert _shape(thread) == [(4, 1)]


def test_count_includes_only_approved_comments():
    """The heading's count leaves out pending comments shown to their writer."""
    comments = [_comment(1), _comment(2, 1, approved=False), _comment(3), _comment(4, 3)]
    assert _build(comments).count == 3


def test_count_covers_every_page():
    """The count is for the whole discussion, not the page shown."""
    assert _build(_tree([None] * 5), per_page=2, page=3).count == 5


def test_works_with_comment_model_instances():
    """Real Comment objects (approval from their status) are threaded and counted."""
    comments = [
        Comment(pk=1, status=Comment.Status.APPROVED),
        Comment(pk=2, parent_id=1, status=Comment.Status.PENDING),
        Comment(pk=3, parent_id=1, status=Comment.Status.APPROVED),
    ]
    thread = _build(comments)
    assert _shape(thread) == [(1, 1), (2, 2), (3, 2)]
    assert thread.count == 2


@st.composite
def _random_discussions(draw):
    """Comments oldest first, each replying to an earlier one, to a missing one, or to none."""
    size = draw(st.integers(min_value=0, max_value=40))
    comments = []
    for pk in range(1, size + 1):
        parent = draw(
            st.one_of(
                st.none(),
                st.integers(min_value=1, max_value=pk - 1) if pk > 1 else st.none(),
                st.just(10_000 + pk),  # a parent not in the list (not visible)
            )
        )
        comments.append(_comment(pk, parent, approved=draw(st.booleans())))
    return comments


@given(
    comments=_random_discussions(),
    max_depth=st.integers(min_value=1, max_value=6),
    per_page=st.integers(min_value=1, max_value=6),
)
def test_every_page_nests_properly_and_every_comment_appears_once(comments, max_depth, per_page):
    """For any tree, each page opens and closes lists in balance and no comment is lost."""
    pages = _build(comments, max_depth=max_depth, per_page=per_page).pages
    seen = []
    for page in range(1, pages + 1):
        thread = _build(comments, max_depth=max_depth, per_page=per_page, page=page)
        assert sum(c.has_replies for c in thread.comments) == sum(
            len(c.closes) for c in thread.comments
        )
        _assert_properly_nested(thread)
        assert all(1 <= c.depth <= max_depth for c in thread.comments)
        seen.extend(c.pk for c in thread.comments)
    assert sorted(seen) == [c.pk for c in comments]


@given(comments=_random_discussions(), max_depth=st.integers(min_value=1, max_value=6))
def test_every_reply_comes_after_its_parent(comments, max_depth):
    """A reply is never shown above the comment it answers."""
    thread = _build(comments, max_depth=max_depth)
    position = {c.pk: index for index, c in enumerate(thread.comments)}
    for comment in thread.comments:
        if comment.parent_id in position:
            assert position[comment.parent_id] < position[comment.pk]


@pytest.mark.django_db
def test_a_cached_thread_is_not_served_after_its_comments_change():
    """Trashing a comment, even by a bulk update, takes it off the cached thread at once."""
    post = PostFactory()
    comment = CommentFactory(target=post, text="Approved, then trashed.")
    args = {"page": 1, "own_pending": [], "can_reply": True, "conf": discussion_settings()}
    assert comment.text in str(thread_page(post, **args)["html"])
    comment_trash(comments=[comment])
    assert comment.text not in str(thread_page(post, **args)["html"])
    type(comment).objects.filter(pk=comment.pk).update(status=comment.Status.APPROVED)
    assert comment.text in str(thread_page(post, **args)["html"])


@pytest.mark.django_db
def test_no_reply_link_at_the_depth_limit(settings):
    """A comment at the deepest level offers no Reply; the ones above it do."""
    settings.COMMENTS_THREAD_DEPTH = 2
    post = PostFactory()
    top = CommentFactory(target=post)
    reply = CommentFactory(target=post, parent=top)
    html = str(
        thread_page(post, page=1, own_pending=[], can_reply=True, conf=discussion_settings())[
            "html"
        ]
    )
    assert f"?replytocom={top.pk}#respond" in html
    assert f"?replytocom={reply.pk}" not in html
    assert html.count('class="comment__reply"') == 1


@pytest.mark.django_db
def test_threading_off_shows_no_reply_link(settings):
    """With a reply depth of 1 (no replies), no comment offers Reply."""
    settings.COMMENTS_THREAD_DEPTH = 1
    post = PostFactory()
    CommentFactory.create_batch(2, target=post)
    html = str(
        thread_page(post, page=1, own_pending=[], can_reply=True, conf=discussion_settings())[
            "html"
        ]
    )
    assert "comment__reply" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", '<time datetime="2025-03-09T07:05:09+0000">9 March 2025, 07:05</time>'),
        # Half an hour off the hour, on the morning Newfoundland's summer time began.
        (
            "America/St_Johns",
            '<time datetime="2025-03-09T04:35:09-0230">9 March 2025, 04:35</time>',
        ),
        ("Asia/Kolkata", '<time datetime="2025-03-09T12:35:09+0530">9 March 2025, 12:35</time>'),
        (
            # Behind UTC into the day before.
            "Pacific/Honolulu",
            '<time datetime="2025-03-08T21:05:09-1000">8 March 2025, 21:05</time>',
        ),
    ],
)
def test_comment_dates_are_shown_in_the_active_time_zone(zone, shown):
    """A comment's date and its machine-readable datetime are in the site's time zone."""
    post = PostFactory()
    comment = CommentFactory(target=post)
    moment = datetime(2025, 3, 9, 7, 5, 9, tzinfo=UTC)
    type(comment).objects.filter(pk=comment.pk).update(created_at=moment)
    with timezone.override(zone):
        html = str(
            thread_page(post, page=1, own_pending=[], can_reply=True, conf=discussion_settings())[
                "html"
            ]
        )
    assert shown in html
