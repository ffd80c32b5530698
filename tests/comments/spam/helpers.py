"""Comments the spam filter learns from, the way the author teaches it."""

import itertools

from django.contrib.auth.models import AnonymousUser

from comments.checks import Submission
from comments.models import Comment
from comments.services import comment_approve, comment_mark_spam, comment_submit
from comments.spam.models import SpamToken
from tests.factories import CommentFactory

ADMIN = "https://montage.example.com"
_readers = itertools.count()

SPAM_TEXTS = [
    "Cheap pills online, buy viagra now at https://pills.example.ru",
    "Best casino bonus! Win money fast, visit https://casino.example.ru",
    "Subscribe to my channel for free money tips https://bit.ly/free-money",
    "Buy cheap followers and likes, best SEO service https://seo.example.ru",
    "Earn money from home, casino jackpot bonus https://jackpot.example.ru",
    "Free viagra pills, cheap casino bonus, subscribe now https://pills.example.ru",
]
HAM_TEXTS = [
    "I watched this training montage before every exam, the music still works.",
    "The synthesizer in Hearts on Fire is a Yamaha DX7, if I remember well.",
    "Drago lifting the car is my favourite scene of the whole film.",
    "Vince DiCola wrote the score; the training theme is his best work.",
    "Running up the mountain in the snow, what a scene. Thanks for the post.",
    "My father showed me this film; the soundtrack album is still on our shelf.",
]


def taught(spam=SPAM_TEXTS, ham=HAM_TEXTS):
    """The author marks ``spam`` as spam and approves ``ham``, as in the admin."""
    spam_comments = [
        CommentFactory(status=Comment.Status.PENDING, text=text, name="Promo", url="")
        for text in spam
    ]
    ham_comments = [CommentFactory(status=Comment.Status.PENDING, text=text) for text in ham]
    comment_mark_spam(comments=spam_comments)
    comment_approve(comments=ham_comments)
    return spam_comments, ham_comments


def totals():
    """(spam, legitimate) comments the filter has learned."""
    row = SpamToken.objects.filter(token=SpamToken.TOTALS).first()
    return (row.spam_count, row.ham_count) if row else (0, 0)


def token_counts(token):
    row = SpamToken.objects.filter(token=token).first()
    return (row.spam_count, row.ham_count) if row else None


def submission_for(target, **overrides):
    """What a reader's browser sends, each time from an address of its own (so the
    flood check lets every one through)."""
    values = {
        "target": target,
        "name": "A Reader",
        "email": f"reader{next(_readers)}@example.org",
        "url": "",
        "text": "If he dies, he dies.",
        "parent": None,
        "user": AnonymousUser(),
        "ip_address": None,
        "user_agent": "Mozilla/5.0",
        "seconds_since_form_shown": 30,
        "honeypot_filled": False,
    }
    values.update(overrides)
    return Submission(**values)


def submit(target, **overrides):
    """A reader's comment through the whole pipeline."""
    submission = submission_for(target, **overrides)
    return comment_submit(submission=submission, admin_base_url=ADMIN).comment
