"""The learned counts in the database: reading them for one comment, and moving them."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Greatest

from comments.spam import classifier
from comments.spam.models import SpamToken
from comments.spam.tokens import comment_tokens

# Rows per statement when many tokens move at once (a bulk action, a retrain): well
# under SQLite's 32,766 parameters and PostgreSQL's 65,535.
BATCH = 500


@dataclass(frozen=True)
class Scored:
    score: classifier.Score
    decisions: int  # spam and legitimate comments learned, all told


def counts_for(tokens):
    """``({token: (spam, ham)}, nspam, nham)`` for these tokens: one query, totals included.

    Only the comment's own tokens are read, so the cost follows the comment, not the
    number of comments learned (bench/spam_scoring.py).
    """
    rows = SpamToken.objects.filter(token__in=[*tokens, SpamToken.TOTALS]).values_list(
        "token", "spam_count", "ham_count"
    )
    counts = {token: (spam, ham) for token, spam, ham in rows}
    nspam, nham = counts.pop(SpamToken.TOTALS, (0, 0))
    return counts, nspam, nham


def comment_score(*, text, name="", website=""):
    """What the filter makes of one comment, from what it has learned so far."""
    tokens = comment_tokens(text=text, name=name, website=website)
    counts, nspam, nham = counts_for(tokens)
    return Scored(classifier.score(tokens, counts, nspam, nham), nspam + nham)


def counts_move(deltas):
    """Add ``deltas[token] = (spam, ham)`` (negative to unlearn) to the stored counts.

    Each statement adds to the count the database holds, so two moderators working at
    once both count. Counts never go below zero, and a token no comment holds any more
    is deleted: what was unlearned leaves no trace in the table.
    """
    deltas = {token: delta for token, delta in deltas.items() if delta != (0, 0)}
    rising = [token for token, (spam, ham) in deltas.items() if spam > 0 or ham > 0]
    SpamToken.objects.bulk_create(
        [SpamToken(token=token) for token in rising], ignore_conflicts=True, batch_size=BATCH
    )
    by_delta = defaultdict(list)
    for token, delta in deltas.items():
        by_delta[delta].append(token)
    for (spam, ham), tokens in by_delta.items():
        for start in range(0, len(tokens), BATCH):
            SpamToken.objects.filter(token__in=tokens[start : start + BATCH]).update(
                spam_count=Greatest(F("spam_count") + spam, Value(0)),
                ham_count=Greatest(F("ham_count") + ham, Value(0)),
            )
    falling = [token for token, (spam, ham) in deltas.items() if spam < 0 or ham < 0]
    for start in range(0, len(falling), BATCH):
        SpamToken.objects.filter(
            token__in=falling[start : start + BATCH], spam_count=0, ham_count=0
        ).exclude(token=SpamToken.TOTALS).delete()
