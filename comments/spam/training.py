"""Rebuilding what the filter knows from the comments themselves: ``manage.py spam_retrain``.

After an import, a change to the tokens, or a learning step that failed (the log says
so), the counts are rebuilt from every approved and spam comment as it stands now, as
``comments.spam.learning`` would have learned them one by one. Lessons kept from
deleted comments are counted again as they were; erased ones stay unlearned.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from comments.models import Comment
from comments.spam.learning import email_digest, label_for, lesson_tokens
from comments.spam.models import SpamLesson, SpamToken
from comments.spam.store import BATCH


@dataclass(frozen=True)
class Retrained:
    spam: int
    ham: int
    from_deleted: int  # lessons kept from comments deleted since
    tokens: int


def spam_retrain() -> Retrained:
    """Forget the counts and learn again from every moderated comment, in one transaction."""
    counts = defaultdict(lambda: [0, 0])
    learned = {SpamLesson.Label.SPAM: 0, SpamLesson.Label.HAM: 0}

    def count(label, tokens):
        column = 0 if label == SpamLesson.Label.SPAM else 1
        for token in tokens:
            counts[token][column] += 1
        learned[label] += 1

    with transaction.atomic():
        SpamToken.objects.all().delete()
        SpamLesson.objects.filter(comment__isnull=False).exclude(
            label=SpamLesson.Label.ERASED
        ).delete()
        orphans = SpamLesson.objects.filter(comment__isnull=True).exclude(
            label=SpamLesson.Label.ERASED
        )
        from_deleted = 0
        for lesson in orphans.iterator(chunk_size=BATCH):
            count(lesson.label, lesson.token_list)
            from_deleted += 1
        moderated = (
            Comment.objects.filter(status__in=[Comment.Status.APPROVED, Comment.Status.SPAM])
            .exclude(spam_lesson__label=SpamLesson.Label.ERASED)
            .only("pk", "status", "is_author", "text", "name", "url", "email")
            .order_by("pk")
        )
        lessons = []
        for comment in moderated.iterator(chunk_size=BATCH):
            label = label_for(comment)
            if label is None:
                continue
            tokens = lesson_tokens(comment)
            count(label, tokens)
            lessons.append(
                SpamLesson(
                    comment=comment,
                    label=label,
                    tokens="\n".join(tokens),
                    email_digest=email_digest(comment.email),
                )
            )
            if len(lessons) >= BATCH:
                SpamLesson.objects.bulk_create(lessons)
                lessons = []
        SpamLesson.objects.bulk_create(lessons)
        rows = [
            SpamToken(token=token, spam_count=spam, ham_count=ham)
            for token, (spam, ham) in counts.items()
        ]
        rows.append(
            SpamToken(
                token=SpamToken.TOTALS,
                spam_count=learned[SpamLesson.Label.SPAM],
                ham_count=learned[SpamLesson.Label.HAM],
            )
        )
        SpamToken.objects.bulk_create(rows, batch_size=BATCH)
    return Retrained(
        spam=learned[SpamLesson.Label.SPAM],
        ham=learned[SpamLesson.Label.HAM],
        from_deleted=from_deleted,
        tokens=len(counts),
    )
