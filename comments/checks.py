"""Moderation checks: small functions run in order on every submitted comment.

Each takes the ``Submission`` and the discussion settings and returns a ``Decision``
or ``None`` (no opinion). The list lives in the ``COMMENTS_CHECKS`` setting, so a new
rule is one function here (or anywhere importable) and one line there.

How decisions combine (``comments.services.comment_submit``): the first ``REFUSE``,
``SPAM`` or ``TRASH`` ends the run; an ``APPROVE`` marked final (the site's author)
ends it too; ``HOLD`` wins over any later plain ``APPROVE``; with no decision at all the
comment waits for moderation.

A decision's ``reason`` is kept on the comment it decided (``Comment.moderation_reason``)
and shown to the moderator, so it is a sentence for people: "Held: 2 links or more".
What a check measures beyond its decision goes in ``Submission.findings``.
"""

import enum
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


class Verdict(enum.Enum):
    APPROVE = "approve"
    HOLD = "hold"
    SPAM = "spam"
    TRASH = "trash"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str  # Why, in words for the moderator: kept on the comment it decides.
    message: str = ""  # Shown to the reader, for REFUSE only.
    http_status: int = 400
    final: bool = False
    marks_author: bool = False  # Shown with the "Author" badge.


@dataclass(frozen=True)
class Submission:
    target: object
    name: str
    email: str
    url: str
    text: str
    parent: Comment | None
    user: object
    ip_address: str | None
    user_agent: str
    seconds_since_form_shown: float
    honeypot_filled: bool
    # "Email me replies to my comment", for the apps listening to comments.signals.
    notify_replies: bool = False
    # What checks measured, kept on the saved comment as its fields of those names
    # (the spam filter's score): a check may add to it, the comment takes it as it is.
    findings: dict = field(default_factory=dict, compare=False)


FLOOD_MESSAGE = _(
    "You are posting comments too quickly. Wait %(seconds)d seconds, then send it again."
)
DUPLICATE_MESSAGE = _("Duplicate comment detected; it looks as though you've already said that!")
TOO_FAST_MESSAGE = _(
    "Your comment was sent very soon after the page opened. Wait a moment, then send it again."
)
# A whole link is consumed per match, so "https://www.…" counts once.
_LINK = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)


def honeypot(submission, conf):
    """A field people never see was filled in: a bot."""
    if submission.honeypot_filled:
        return Decision(Verdict.SPAM, _("Spam: the hidden honeypot field was filled"))
    return None


def posted_too_fast(submission, conf):
    """Sent sooner after the page loaded than anyone could read and type.

    Refused rather than kept as spam, since a quick person (a short reply, a form
    filled in by the browser) would lose their comment without a word: the form comes
    back with its text and its first timestamp, so sending it again a moment later passes.
    """
    if submission.seconds_since_form_shown < conf.min_seconds_to_post:
        return Decision(
            Verdict.REFUSE,
            _("Refused: sent too soon after the page opened"),
            message=TOO_FAST_MESSAGE,
            http_status=429,
        )
    return None


def staff_author(submission, conf):
    """The site's own staff are published at once."""
    user = submission.user
    if user is not None and user.is_authenticated and user.is_staff:
        return Decision(
            Verdict.APPROVE,
            _("Approved: written by the site's staff"),
            final=True,
            marks_author=True,
        )
    return None


def flood(submission, conf):
    """A second comment from the same IP address or email within the flood interval.

    Counted from the comments in the database, one submission at a time (``comment_submit``),
    so every worker and every server sharing the database agrees: a flood sent to two at
    once is still one comment (tests/comments/test_concurrency.py).
    """
    since = timezone.now() - timedelta(seconds=conf.flood_seconds)
    same_sender = Q(email__iexact=submission.email)
    if submission.ip_address:
        same_sender |= Q(ip_address=submission.ip_address)
    if Comment.objects.filter(same_sender, created_at__gte=since).exists():
        return Decision(
            Verdict.REFUSE,
            _("Refused: another comment from this sender moments ago"),
            message=FLOOD_MESSAGE % {"seconds": conf.flood_seconds},
            http_status=429,
        )
    return None


def duplicate(submission, conf):
    """The same text from the same email, answering the same comment on the same page.

    As WordPress does, a trashed comment may be sent again, and "Thanks!" may answer
    two different comments.
    """
    duplicates = (
        Comment.objects.for_target(submission.target)
        .filter(email__iexact=submission.email, text=submission.text, parent=submission.parent)
        .exclude(status=Comment.Status.TRASH)
    )
    if duplicates.exists():
        return Decision(
            Verdict.REFUSE,
            _("Refused: the same comment was already sent"),
            message=DUPLICATE_MESSAGE,
            http_status=409,
        )
    return None


def _first_match(words, submission):
    """The first of ``words`` found in the comment or its sender, or None.

    As WordPress does: a case-insensitive match anywhere in any of these fields,
    so "press" also catches "WordPress".
    """
    haystack = "\n".join(
        [
            submission.name,
            submission.email,
            submission.url,
            submission.text,
            submission.ip_address or "",
            submission.user_agent,
        ]
    ).casefold()
    return next(
        (word.strip() for word in words if word.strip() and word.strip().casefold() in haystack),
        None,
    )


def disallowed_words(submission, conf):
    """A disallowed word anywhere in the comment or its sender: straight to the trash."""
    word = _first_match(conf.disallowed_words, submission)
    if word is not None:
        return Decision(
            Verdict.TRASH, _("Trash: contains “%(word)s”, a disallowed word") % {"word": word}
        )
    return None


def moderation_words(submission, conf):
    """A word the author wants to see before it is published."""
    word = _first_match(conf.moderation_words, submission)
    if word is not None:
        return Decision(
            Verdict.HOLD, _("Held: contains “%(word)s”, a moderation word") % {"word": word}
        )
    return None


def too_many_links(submission, conf):
    """As many links as the limit or more (WordPress holds at 2 by default)."""
    if conf.max_links and len(_LINK.findall(submission.text)) >= conf.max_links:
        return Decision(
            Verdict.HOLD, _("Held: %(count)d links or more") % {"count": conf.max_links}
        )
    return None


def returning_commenter(submission, conf):
    """Someone with an approved comment under the same name and email."""
    if not conf.approve_returning_commenters:
        return None
    earlier = Comment.objects.approved().filter(
        name=submission.name, email__iexact=submission.email
    )
    if earlier.exists():
        return Decision(
            Verdict.APPROVE, _("Approved: returning commenter with an approved comment")
        )
    return None
