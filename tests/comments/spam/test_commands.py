"""manage.py spam_retrain and spam_eval, as the author or the deployer runs them."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.spam.models import SpamToken
from tests.comments.spam.helpers import HAM_TEXTS, SPAM_TEXTS, taught, totals

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _labelled(tmp_path, rows, header=("text", "label"), name="labelled.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _corpus(copies=5):
    """Comment-like rows: the helpers' texts, each with a variation per copy."""
    rows = []
    for n in range(copies):
        rows += [(f"{text} ({n})", "spam") for text in SPAM_TEXTS]
        rows += [(f"{text} ({n})", "ham") for text in HAM_TEXTS]
    return rows


def test_retrain_says_what_it_learned(db):
    taught()
    SpamToken.objects.all().delete()
    out = _run("spam_retrain")
    assert out.startswith("The spam filter learned 6 spam and 6 legitimate comments")
    assert totals() == (6, 6)


def test_retrain_twice_gives_the_same_filter(db):
    taught()
    _run("spam_retrain")
    first = sorted(SpamToken.objects.values_list("token", "spam_count", "ham_count"))
    _run("spam_retrain")
    assert sorted(SpamToken.objects.values_list("token", "spam_count", "ham_count")) == first


def test_eval_prints_precision_recall_and_the_confusion_matrix(tmp_path):
    path = _labelled(tmp_path, _corpus())
    out = _run("spam_eval", str(path), "--train", "30")
    assert "scored the other 30" in out
    assert "Precision: " in out and "Recall: " in out and "Ham sent to spam: " in out
    matrix = [
        line.split() for line in out.splitlines() if line.lstrip().startswith(("spam", "ham"))
    ]
    assert [row[0] for row in matrix] == ["spam", "ham"]
    assert sum(int(cell) for row in matrix for cell in row[1:]) == 30


def test_eval_gives_the_same_figures_with_the_same_seed(tmp_path):
    path = _labelled(tmp_path, _corpus())
    assert _run("spam_eval", str(path), "--seed", "4") == _run(
        "spam_eval", str(path), "--seed", "4"
    )


def test_eval_leaves_the_sites_filter_alone(tmp_path):
    _run("spam_eval", str(_labelled(tmp_path, _corpus())))
    assert not SpamToken.objects.exists()


def test_eval_reads_the_optional_name_and_website(tmp_path):
    rows = [
        (text, label, "Promo" if label == "spam" else "Reader", "") for text, label in _corpus()
    ]
    path = _labelled(tmp_path, rows, header=("text", "label", "name", "website"))
    assert "Precision: 100.0 %" in _run("spam_eval", str(path))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        (
            b"body,kind\nhello,spam\n",
            "needs the columns text and label; its header has: body, kind",
        ),
        (b"", "needs the columns text and label; its header has: no header row"),
        (b"text,label\nhello,maybe\n", "line 2: the label 'maybe' is neither spam nor ham"),
        (b"text,label\nhello,spam,extra\n", "line 2: more values than the header has columns"),
        (b"text,label\n\xff\xfe\x00bad,spam\n", "is not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text"),
        (b"text,label\nbuy now,spam\nbuy more,spam\nhello,ham\n", "needs both spam and ham"),
        (b"text,label\nbuy now,spam\n", "leaves nothing to learn or to test"),
    ],
    ids=[
        "missing",
        "columns",
        "empty",
        "label",
        "extra",
        "encoding",
        "image",
        "one-class",
        "tiny",
    ],
)
def test_a_bad_file_is_refused_with_a_sentence(tmp_path, content, says):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        _run("spam_eval", str(path))
    assert says in str(refused.value)


def test_a_bad_file_prints_no_traceback(tmp_path):
    """From the shell, as the deployer runs it: one line on stderr, exit status 1."""
    path = _labelled(tmp_path, [("hello", "maybe")])
    done = subprocess.run(
        [sys.executable, "manage.py", "spam_eval", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "the label 'maybe' is neither spam nor ham" in done.stderr
