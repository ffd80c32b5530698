"""How well the filter would do on a labelled file: ``manage.py spam_eval FILE.csv``.

The file has a header row with the columns ``text`` and ``label`` (``spam`` or ``ham``;
``1`` and ``0`` also do), and optionally ``name`` and ``website``. Its rows are
shuffled with a fixed seed, the first part is learned (in memory: the site's own filter
is not touched) and the rest is scored and sorted by the policy's thresholds.
"""

import csv
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from comments.spam import classifier
from comments.spam.tokens import comment_tokens

LABELS = {"spam": True, "1": True, "ham": False, "0": False}
REQUIRED = ("text", "label")
# An email with its attachments can run to megabytes; the tokens only read its first
# 20,000 characters (comments.spam.tokens.TEXT_READ) of it anyway.
FIELD_MAX = 16 * 1024 * 1024


class BadFile(ValueError):
    """The file cannot be evaluated; the message says why, for the person running it."""


@dataclass(frozen=True)
class Example:
    text: str
    is_spam: bool
    name: str = ""
    website: str = ""

    def tokens(self):
        return comment_tokens(text=self.text, name=self.name, website=self.website)


@dataclass
class Report:
    trained_spam: int = 0
    trained_ham: int = 0
    # (actual, outcome) -> count; actual "spam"/"ham", outcome "spam"/"held"/"passed"
    matrix: Counter = field(default_factory=Counter)

    def count(self, actual, outcome):
        return self.matrix[(actual, outcome)]

    @property
    def tested(self):
        return sum(self.matrix.values())

    @property
    def precision(self):
        """Of the comments sent to spam, the share that were spam."""
        sent = self.count("spam", "spam") + self.count("ham", "spam")
        return self.count("spam", "spam") / sent if sent else None

    @property
    def recall(self):
        """Of the spam, the share sent to spam."""
        spam = sum(self.count("spam", outcome) for outcome in ("spam", "held", "passed"))
        return self.count("spam", "spam") / spam if spam else None

    @property
    def ham_to_spam(self):
        """Of the legitimate comments, the share sent to spam."""
        ham = sum(self.count("ham", outcome) for outcome in ("spam", "held", "passed"))
        return self.count("ham", "spam") / ham if ham else None


def read_examples(path):
    """The rows of ``path`` as examples; ``BadFile`` says what is wrong and where."""
    csv.field_size_limit(FIELD_MAX)
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            columns = [name.strip().lower() for name in reader.fieldnames or []]
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                found = ", ".join(columns) if columns else "no header row"
                raise BadFile(f"{path} needs the columns text and label; its header has: {found}.")
            reader.fieldnames = columns
            return [_example(path, reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise BadFile(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise BadFile(f"{path} is a folder, not a CSV file.") from None
    except UnicodeDecodeError as error:
        raise BadFile(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read); save it as UTF-8."
        ) from None
    except csv.Error as error:
        raise BadFile(f"{path}: not a CSV file the reader understands: {error}.") from None


def _example(path, line, row):
    if None in row:
        raise BadFile(f"{path} line {line}: more values than the header has columns.")
    label = (row.get("label") or "").strip().lower()
    if label not in LABELS:
        raise BadFile(
            f"{path} line {line}: the label {row.get('label')!r} is neither spam nor ham "
            "(1 and 0 also do)."
        )
    return Example(
        text=row.get("text") or "",
        is_spam=LABELS[label],
        name=row.get("name") or "",
        website=row.get("website") or "",
    )


def evaluate(examples, *, train, seed, spam_threshold, hold_threshold) -> Report:
    """Learn ``train`` of the shuffled examples, score the rest with the thresholds (0-1)."""
    if not 0 < train < len(examples):
        raise BadFile(
            f"Training on {train} of {len(examples)} rows leaves nothing to learn or to "
            "test: choose a number between 1 and the rows less one."
        )
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    learned, tested = shuffled[:train], shuffled[train:]
    for part, what in ((learned, "training"), (tested, "test")):
        if not {example.is_spam for example in part} == {True, False}:
            raise BadFile(
                f"The {what} part needs both spam and ham rows: give the file more of each, "
                "or another --seed or --train."
            )
    counts = defaultdict(lambda: [0, 0])
    report = Report()
    for example in learned:
        for token in example.tokens():
            counts[token][0 if example.is_spam else 1] += 1
        if example.is_spam:
            report.trained_spam += 1
        else:
            report.trained_ham += 1
    frozen = {token: tuple(pair) for token, pair in counts.items()}
    for example in tested:
        value = classifier.score(
            example.tokens(), frozen, report.trained_spam, report.trained_ham
        ).value
        if value >= spam_threshold:
            outcome = "spam"
        elif value >= hold_threshold:
            outcome = "held"
        else:
            outcome = "passed"
        report.matrix[("spam" if example.is_spam else "ham", outcome)] += 1
    return report
