"""The filter learns from the author's decisions, and forgets on request.

What it knows follows each comment's status: an approved comment is learned as
legitimate (the author's own are not: they say nothing about readers), one in spam as
spam, and one that leaves both (back to moderation, to the trash) is unlearned. Every
moderation service calls ``spam_follow`` (comments.services), so approve, spam and
"not spam" teach it from a row's button, a bulk action, the comment's own page, the
link in the moderation mail and the author's reply alike.
"""

import logging
from collections import defaultdict

from django.db import transaction
from django.utils.crypto import salted_hmac

from comments.spam.models import SpamLesson, SpamToken
from comments.spam.store import counts_move
from comments.spam.tokens import comment_tokens

logger = logging.getLogger(__name__)


def email_digest(email):
    """A keyed digest of an address: finds a deleted comment's lesson when its writer
    asks to be erased, and tells nothing to whoever reads the table without the key."""
    normalized = email.strip().casefold()
    if not normalized:
        return ""
    return salted_hmac("comments.spam.lesson", normalized, algorithm="sha256").hexdigest()


def label_for(comment):
    """What the comment teaches as it stands: spam, legitimate, or nothing."""
    if comment.status == comment.Status.SPAM:
        return SpamLesson.Label.SPAM
    if comment.status == comment.Status.APPROVED and not comment.is_author:
        return SpamLesson.Label.HAM
    return None


def lesson_tokens(comment):
    return comment_tokens(text=comment.text, name=comment.name, website=comment.url)


class _Moves:
    """Count changes gathered over many lessons, written in as few statements as can be."""

    def __init__(self):
        self.deltas = defaultdict(lambda: [0, 0])

    def add(self, label, tokens, sign):
        column = 0 if label == SpamLesson.Label.SPAM else 1
        for token in (*tokens, SpamToken.TOTALS):
            self.deltas[token][column] += sign

    def write(self):
        counts_move({token: tuple(delta) for token, delta in self.deltas.items()})


def spam_follow(*, comments, relearn=False) -> None:
    """Make what the filter learned from ``comments`` match their status now.

    ``relearn`` also takes a changed text, name or website into account (the author
    edited the comment). A failure is logged and leaves the moderation done:
    ``manage.py spam_retrain`` rebuilds what was missed.
    """
    comments = [comment for comment in comments if comment.pk is not None]
    if not comments:
        return
    try:
        with transaction.atomic():
            _follow(comments, relearn)
    except Exception:
        # The author's decision stands whatever the filter does; the log says what to run.
        logger.exception(
            "the spam filter could not learn from comments %s; run manage.py spam_retrain",
            [comment.pk for comment in comments],
        )


def _follow(comments, relearn):
    lessons = {
        lesson.comment_id: lesson
        for lesson in SpamLesson.objects.filter(comment__in=[comment.pk for comment in comments])
    }
    moves, gone, new = _Moves(), [], []
    for comment in comments:
        lesson = lessons.get(comment.pk)
        if lesson is not None and lesson.label == SpamLesson.Label.ERASED:
            continue
        wanted = label_for(comment)
        tokens = lesson_tokens(comment) if wanted is not None else []
        if lesson is not None:
            if lesson.label == wanted and (not relearn or lesson.token_list == tokens):
                continue
            moves.add(lesson.label, lesson.token_list, -1)
            gone.append(lesson.pk)
        if wanted is not None:
            moves.add(wanted, tokens, +1)
            new.append(
                SpamLesson(
                    comment=comment,
                    label=wanted,
                    tokens="\n".join(tokens),
                    email_digest=email_digest(comment.email),
                )
            )
    SpamLesson.objects.filter(pk__in=gone).delete()
    SpamLesson.objects.bulk_create(new)
    moves.write()


def spam_forget(*, email, comment_ids, keep_comments) -> int:
    """Unlearn everything learned from the person writing as ``email``.

    Their lessons are found by comment and by the email digest (for comments deleted
    since). With ``keep_comments`` (the comments stay, anonymised) each kept comment's
    lesson is marked erased, so no later approve or retrain learns it again. Returns how
    many lessons were unlearned. Runs inside the privacy erase's transaction.
    """
    digest = email_digest(email)
    lessons = SpamLesson.objects.filter(comment__in=comment_ids)
    if digest:
        lessons = lessons | SpamLesson.objects.filter(email_digest=digest)
    moves, count = _Moves(), 0
    for lesson in lessons:
        if lesson.label != SpamLesson.Label.ERASED:
            moves.add(lesson.label, lesson.token_list, -1)
            count += 1
    moves.write()
    lessons.delete()
    if keep_comments:
        SpamLesson.objects.bulk_create(
            [SpamLesson(comment_id=pk, label=SpamLesson.Label.ERASED) for pk in comment_ids]
        )
    return count
