"""Give the Rocky demo post N approved comments (500 unless given) in up to 40 threads,
up to 5 levels deep.

Idempotent: comments it made earlier (emails at bench.invalid) are replaced, so a rerun
leaves the same shape; 0 removes them. 40 top-level threads stay under the default 50
threads per comment page, so the post page shows all 500 at once.

    DATABASE_URL=sqlite:///var/bench/db.sqlite3 .venv/bin/python bench/seed_comments.py 50
"""

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import transaction  # noqa: E402

from blog.models import Post  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.text import render_comment_text  # noqa: E402

SLUG = "rocky-training-in-russia-rocky-iv"
DEFAULT_TOTAL = 500
MAX_THREADS = 40
MAX_DEPTH = 5
EMAIL_DOMAIN = "bench.invalid"  # RFC 2606: never a real mailbox.

SENTENCES = [
    "The log-splitting sequence still gives me chills.",
    "Hearts on Fire is the best track on the soundtrack, no contest.",
    "Drago on the treadmill versus Rocky in the snow: the whole film in one cut.",
    "Vince DiCola's score never got the credit it deserved.",
    "I watched this before every run for a whole winter.",
    "Full clip here: https://www.youtube.com/watch?v=example — the audio is better.",
    "The editing matches the beat changes almost frame for frame.",
    "Did they really film the mountain scenes in Wyoming?",
    "Survivor and John Cafferty in the same movie, what a year.",
    "Agreed, although the Training Montage instrumental is the real highlight.",
]


def shape(rng, total):
    """Each comment's parent index (always an earlier one) and depth: the roots first."""
    threads = min(total, MAX_THREADS)
    parents = [None] * threads
    depths = [1] * threads
    while len(parents) < total:
        parent = rng.randrange(len(parents))
        if depths[parent] < MAX_DEPTH:
            parents.append(parent)
            depths.append(depths[parent] + 1)
    return parents, depths


def seed(total):
    post = Post.objects.get(slug=SLUG)
    rng = random.Random(1976)
    parents, depths = shape(rng, total)
    content_type = ContentType.objects.get_for_model(Post)
    comments = []
    for number, parent in enumerate(parents):
        text = "\n\n".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        comments.append(
            Comment(
                content_type=content_type,
                object_id=post.pk,
                name=f"Reader {number}",
                email=f"reader{number}@{EMAIL_DOMAIN}",
                url=f"https://reader{number}.example.com/" if number % 4 == 0 else "",
                text=text,
                text_html=render_comment_text(text),
                status=Comment.Status.APPROVED,
                ip_address=f"192.0.2.{number % 250 + 1}",
                parent=None if parent is None else comments[parent],
            )
        )
    with transaction.atomic():
        Comment.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        # One insert per level, so each reply's parent already has its primary key.
        for depth in range(1, MAX_DEPTH + 1):
            Comment.objects.bulk_create(
                [c for c, d in zip(comments, depths, strict=True) if d == depth]
            )
    approved = Comment.objects.for_target(post).approved().count()
    threads = depths.count(1)
    print(f"{post.title}: {approved} approved comments in {threads} threads.")


if __name__ == "__main__":
    seed(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TOTAL)
