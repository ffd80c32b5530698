"""The spam filter's check in the comment pipeline (``COMMENTS_CHECKS``) and its policy.

A score at or above the spam threshold sends the comment to spam; between the two
thresholds it waits for the author; below, or when the comment holds no token it has
learned, the other rules decide, unless the author chose to publish a newcomer's
comment the filter trusts. Until the filter has learned the warm-up's worth of
decisions it never sends to spam nor publishes: it holds. A comment longer than the
filter reads (``tokens.TEXT_READ``) waits for the author unless it is spam already.

The score and its strongest tokens are the decision's reason, and are kept on the
comment whatever decides it (``spam_score``, ``spam_clues``), for the admin to show.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comments.checks import Decision, Verdict
from comments.models import Comment
from comments.spam.store import comment_score
from comments.spam.tokens import TEXT_READ

logger = logging.getLogger(__name__)

CLUES_KEPT = 8  # on the comment, for its admin page
CLUES_IN_REASON = 3
CLUE_SHOWN_MAX = 30  # characters of a token in the one-line reason
PERSONAL = ("name:", "site:")


def spam_filter(submission, conf):
    """Score the comment with what the author's decisions taught; never raises."""
    try:
        # A savepoint: should a query fail (a missing table, a lock), the comment's own
        # transaction is still usable for the insert that follows.
        with transaction.atomic():
            scored = comment_score(
                text=submission.text, name=submission.name, website=submission.url
            )
            decision = _policy(scored, submission, conf)
    except Exception as error:
        logger.exception("the spam filter failed; the comment is held for moderation")
        return Decision(
            Verdict.HOLD,
            _("Held: the spam filter failed (%(error)s)") % {"error": type(error).__name__},
        )
    score = scored.score
    if score.clues:
        submission.findings.update(
            spam_score=score.value,
            spam_clues=[
                [clue.token, round(clue.probability, 4)] for clue in score.clues[:CLUES_KEPT]
            ],
        )
    return decision


def _policy(scored, submission, conf):
    value, known = scored.score.value, bool(scored.score.clues)
    warm = scored.decisions >= conf.spam_warmup_decisions
    words = {"score": percent(value), "clues": _clues(scored.score), "read": TEXT_READ}
    if known and value >= conf.spam_threshold / 100:
        if warm:
            return Decision(Verdict.SPAM, _("Spam: scored %(score)s %(clues)s") % words)
        words["needed"] = conf.spam_warmup_decisions
        return Decision(
            Verdict.HOLD,
            _("Held: scored %(score)s, spam once the filter has learned %(needed)d %(clues)s")
            % words,
        )
    if len(submission.text) > TEXT_READ:
        return Decision(
            Verdict.HOLD,
            _("Held: longer than the %(read)d characters the spam filter reads") % words,
        )
    if not known:
        return None  # Not one token it has learned: the filter has no view to give.
    if value >= conf.spam_hold_threshold / 100:
        return Decision(
            Verdict.HOLD, _("Held: the spam filter is unsure, %(score)s %(clues)s") % words
        )
    if conf.spam_approve_trusted and warm and _is_first_comment(submission):
        return Decision(
            Verdict.APPROVE, _("Approved: the spam filter trusts it, %(score)s %(clues)s") % words
        )
    return None


def _is_first_comment(submission):
    return not (
        Comment.objects.approved()
        .filter(name=submission.name, email__iexact=submission.email)
        .exists()
    )


def percent(value):
    """A score as the admin shows it: "97 %", with "<1 %" and ">99 %" at the ends."""
    if value < 0.01:
        return "<1 %"
    if value > 0.99:
        return ">99 %"
    return f"{value * 100:.0f} %"


def _clues(score):
    """The strongest clues for the one-line reason. Not the name's and website's: the
    reason outlives a privacy erase, which empties ``spam_clues`` (comments.privacy)."""
    shown = [
        f"{clue.token[:CLUE_SHOWN_MAX]} {percent(clue.probability)}"
        for clue in score.clues
        if not clue.token.startswith(PERSONAL)
    ][:CLUES_IN_REASON]
    return f"({', '.join(shown)})" if shown else _("(no token it knows)")
