"""How long the spam filter takes per comment once it has learned 100,000 decisions.

    .venv/bin/python bench/spam_scoring.py                  # a throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/spam_scoring.py

Builds a database of its own (a SQLite file in a temporary folder unless DATABASE_URL
names one; never the site's), stores 100,000 moderated comments whose words follow a
Zipf law with a uniform tail over a 300,000-word vocabulary (a third of them spam, with
words of their own), learns them with ``spam_retrain``, then times what a reader's
comment costs: the check in the pipeline (tokens, the one query, the arithmetic, the
savepoint) on 2,000 unseen comments and on bad input (65,525 characters of several
kinds, many scripts, empty), and what one spam click in the admin costs the filter.
Prints milliseconds and the SELECTs each score ran, as JSON.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DECISIONS = 100_000
VOCABULARY = 300_000
SEED = 13


def _words(rng, count, vocabulary, spam):
    """Half the words from a Zipf law's head, half from anywhere: the long tail real
    comments have, so the table holds hundreds of thousands of tokens."""
    words = []
    for _ in range(count):
        if rng.random() < 0.5:
            rank = min(int(rng.paretovariate(1.0)), len(vocabulary)) - 1
        else:
            rank = rng.randrange(len(vocabulary))
        words.append(vocabulary[rank])
        if spam and rng.random() < 0.15:
            words.append(rng.choice(SPAM_WORDS))
    return " ".join(words)


SPAM_WORDS = ["casino", "bonus", "viagra", "subscribe", "followers", "cheap", "crypto", "seo"]


def _comment_text(rng, vocabulary, spam):
    text = _words(rng, rng.randint(15, 80), vocabulary, spam)
    if spam:
        text += f" https://{rng.choice(['pills', 'win', 'seo'])}{rng.randint(1, 500)}.example.ru"
    return text


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def main(keep):
    folder = Path(tempfile.mkdtemp(prefix="montage-spam-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from comments.checks import Submission
    from comments.conf import discussion_settings
    from comments.models import Comment
    from comments.spam.checks import spam_filter
    from comments.spam.learning import spam_follow
    from comments.spam.training import spam_retrain

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    vocabulary = [f"w{n:x}" for n in range(VOCABULARY)]
    rng.shuffle(vocabulary)
    target = ContentType.objects.get_for_model(ContentType)
    comments = []
    for n in range(DECISIONS):
        spam = n % 3 == 0
        comments.append(
            Comment(
                content_type=target,
                object_id=1,
                name=f"Reader {n % 5000}",
                email=f"reader{n % 5000}@example.org",
                text=_comment_text(rng, vocabulary, spam),
                status=Comment.Status.SPAM if spam else Comment.Status.APPROVED,
            )
        )
    stored_ms, _ = _timed(Comment.objects.bulk_create, comments, batch_size=1000)
    retrain_ms, retrained = _timed(spam_retrain)

    conf = discussion_settings()
    unseen = [
        Submission(
            target=None, name="New Reader", email="new@example.org", url="", parent=None,
            text=_comment_text(rng, vocabulary, spam=i % 3 == 0), user=AnonymousUser(),
            ip_address=None, user_agent="", seconds_since_form_shown=30, honeypot_filled=False,
        )
        for i in range(2000)
    ]  # fmt: skip
    bad_inputs = {
        "65525_distinct_words": " ".join(rng.sample(vocabulary, 12000))[:65525],
        "65525_one_letter": "x" * 65525,
        "65525_chinese": "这是一个很好的视频" * 7281,
        "65525_emoji": "🔥💰" * 32762,
        "65525_zero_width": "free\u200b" * 13105,
        "65525_dots": ("ab.cd." * 11000)[:65525],
        "scripts": "Привет مرحبا שָׁלוֹם नमस्ते 안녕 这是视频 ภาษาไทย ελληνικά ሰላም",
        "empty": "",
    }
    for submission in unseen[:50]:  # warm the connection and the page cache
        spam_filter(submission, conf)
    selects = []

    def count_selects(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            selects.append(sql)
        return execute(sql, params, many, context)

    times = []
    with connection.execute_wrapper(count_selects):
        for submission in unseen:
            elapsed, _ = _timed(spam_filter, submission, conf)
            times.append(elapsed)
    bad_times = {
        name: round(
            statistics.median(
                _timed(spam_filter, Submission(**{**vars(unseen[0]), "text": text}), conf)[0]
                for _ in range(20)
            ),
            2,
        )
        for name, text in bad_inputs.items()
    }

    pending = Comment.objects.filter(status=Comment.Status.APPROVED).order_by("pk")[:200]
    learn_times = []
    for comment in pending:
        comment.status = Comment.Status.SPAM
        learn_times.append(_timed(spam_follow, comments=[comment])[0])

    print(
        json.dumps(
            {
                "database": connection.vendor,
                "decisions": retrained.spam + retrained.ham,
                "tokens_stored": retrained.tokens,
                "store_comments_s": round(stored_ms / 1000, 1),
                "spam_retrain_s": round(retrain_ms / 1000, 1),
                "score_ms_median": round(statistics.median(times), 2),
                "score_ms_p95": round(statistics.quantiles(times, n=20)[-1], 2),
                "score_ms_max": round(max(times), 2),
                "selects_per_score": len(selects) / len(unseen),
                "bad_input_ms_median": bad_times,
                "learn_one_decision_ms_median": round(statistics.median(learn_times), 2),
            },
            indent=2,
        )
    )
    if keep:
        print(f"kept: {os.environ['DATABASE_URL']}", file=sys.stderr)
    else:
        shutil.rmtree(folder)  # a PostgreSQL database named by DATABASE_URL is left as is


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Say where the database is.")
    main(parser.parse_args().keep)
