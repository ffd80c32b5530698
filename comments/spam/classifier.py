"""The arithmetic of the filter: Robinson's token probabilities, Fisher's chi-squared combining.

This is the classifier of SpamBayes (spambayes/classifier.py, ``chi2_spamprob``), with
its published defaults. It knows no database: it is given each token's counts and the
number of spam and legitimate comments learned, so ``comments.spam.store`` and
``spam_eval``'s in-memory training share it.

Each token's probability of spam is the share of spam among the comments holding it,
each class weighed by its size, pulled towards "don't know" (0.5) while few comments
hold it (Robinson's f(w)). The strongest tokens are combined twice with Fisher's method:
how unlikely the probabilities are if the comment were legitimate, and if it were spam.
The score is (S - H + 1) / 2: near 1 when only spam explains them, near 0 when only a
legitimate comment does, and near 0.5 both when nothing is known and when the evidence
pulls both ways, which is why the middle of the scale means "hold", not "probably".
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# SpamBayes's defaults (spambayes/Options.py, [Classifier]).
UNKNOWN_WORD_STRENGTH = 0.45
UNKNOWN_WORD_PROB = 0.5
MINIMUM_PROB_STRENGTH = 0.1
MAX_DISCRIMINATORS = 150


@dataclass(frozen=True)
class Clue:
    token: str
    probability: float  # of spam, from this token alone


@dataclass(frozen=True)
class Score:
    value: float  # 0 (legitimate) to 1 (spam)
    clues: tuple[Clue, ...]  # the tokens that counted, strongest first


def token_probability(spam_count, ham_count, nspam, nham):
    """Robinson's f(w): the chance a comment holding this token is spam."""
    spam_ratio = spam_count / max(nspam, 1)
    ham_ratio = ham_count / max(nham, 1)
    seen = spam_count + ham_count
    if not seen or spam_ratio + ham_ratio == 0:
        return UNKNOWN_WORD_PROB
    probability = spam_ratio / (spam_ratio + ham_ratio)
    return (UNKNOWN_WORD_STRENGTH * UNKNOWN_WORD_PROB + seen * probability) / (
        UNKNOWN_WORD_STRENGTH + seen
    )


def score(tokens: Iterable[str], counts: Mapping[str, tuple[int, int]], nspam, nham) -> Score:
    """The spam score of a comment's ``tokens``, given ``counts[token] = (spam, ham)``."""
    clues = []
    for token in tokens:
        spam_count, ham_count = counts.get(token, (0, 0))
        probability = token_probability(spam_count, ham_count, nspam, nham)
        if abs(probability - 0.5) >= MINIMUM_PROB_STRENGTH:
            clues.append(Clue(token, probability))
    clues.sort(key=lambda clue: abs(clue.probability - 0.5), reverse=True)
    clues = clues[:MAX_DISCRIMINATORS]
    if not clues:
        return Score(0.5, ())
    # Sums of logarithms rather than SpamBayes's products with frexp(): the same values,
    # with no underflow to watch for.
    ham_log = sum(math.log(clue.probability) for clue in clues)
    spam_log = sum(math.log1p(-clue.probability) for clue in clues)
    spam = 1.0 - _chi2q(-2.0 * spam_log, 2 * len(clues))
    ham = 1.0 - _chi2q(-2.0 * ham_log, 2 * len(clues))
    return Score((spam - ham + 1.0) / 2.0, tuple(clues))


def _chi2q(x2, degrees):
    """P(chi-squared with ``degrees`` (even) degrees of freedom >= ``x2``)."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, degrees // 2):
        term *= m / i
        total += term
    return min(total, 1.0)
