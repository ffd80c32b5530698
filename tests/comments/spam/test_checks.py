"""The spam filter's check: thresholds, warm-up, what it records, and failing safe."""

import datetime
import logging

import pytest
from django.db import DatabaseError
from django.utils import timezone

from comments.checks import Verdict
from comments.conf import discussion_settings
from comments.models import Comment
from comments.spam import store
from comments.spam.checks import spam_filter
from tests.comments.helpers import comment_data, comment_endpoint
from tests.comments.spam.helpers import submission_for, submit, taught
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SPAMMY = "Cheap casino bonus, free viagra pills, subscribe https://pills.example.ru"
HAMMY = "The training montage and Vince DiCola's score: my favourite scene of the film."


@pytest.fixture
def post():
    return PostFactory()


@pytest.fixture(autouse=True)
def _short_warmup(settings):
    settings.COMMENTS_SPAM_WARMUP_DECISIONS = 12


def test_a_spammy_comment_goes_to_spam_with_its_score_as_the_reason(post):
    taught()
    comment = submit(post, text=SPAMMY)
    assert comment.status == Comment.Status.SPAM
    assert comment.moderation_reason.startswith("Spam: scored")
    assert "text:" in comment.moderation_reason or "link:" in comment.moderation_reason
    assert comment.spam_score >= 0.9


def test_the_strongest_tokens_are_kept_on_the_comment(post):
    taught()
    comment = submit(post, text=SPAMMY)
    clues = dict(comment.spam_clues)
    assert clues["link:example.ru"] > 0.9
    assert len(clues) <= 8


def test_a_comment_like_the_approved_ones_is_left_to_the_other_rules(post):
    taught()
    comment = submit(post, text=HAMMY)
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Held: no rule published it"
    assert comment.spam_score < 0.2


def test_an_uncertain_score_holds_even_a_returning_commenter(post, settings):
    taught()
    CommentFactory(
        name="Adrian",
        email="adrian@example.org",
        text="Yo Rocky.",
        created_at=timezone.now() - datetime.timedelta(days=1),
    )
    settings.COMMENTS_SPAM_THRESHOLD = 100
    settings.COMMENTS_SPAM_HOLD_THRESHOLD = 1
    comment = submit(post, name="Adrian", email="adrian@example.org", text=SPAMMY)
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason.startswith("Held: the spam filter is unsure")


def test_the_spam_threshold_is_the_authors_setting(post, settings):
    taught()
    settings.COMMENTS_SPAM_THRESHOLD = 100
    settings.COMMENTS_SPAM_HOLD_THRESHOLD = 99
    comment = submit(post, text="Free money, subscribe to my channel")
    assert comment.status == Comment.Status.PENDING
    settings.COMMENTS_SPAM_THRESHOLD = 50
    settings.COMMENTS_SPAM_HOLD_THRESHOLD = 20
    comment = submit(post, text="Free money, subscribe to my channel")
    assert comment.status == Comment.Status.SPAM


def test_until_warmed_up_the_filter_holds_what_it_would_send_to_spam(post, settings):
    """Twelve decisions taught, thirteen needed: it holds, and says why."""
    settings.COMMENTS_SPAM_WARMUP_DECISIONS = 13
    taught()
    comment = submit(post, text=SPAMMY)
    assert comment.status == Comment.Status.PENDING
    assert "spam once the filter has learned 13" in comment.moderation_reason


def test_until_warmed_up_the_filter_publishes_nothing(post, settings):
    settings.COMMENTS_SPAM_WARMUP_DECISIONS = 13
    settings.COMMENTS_SPAM_APPROVE_TRUSTED = True
    taught()
    assert submit(post, text=HAMMY).status == Comment.Status.PENDING


def test_a_filter_that_learned_nothing_leaves_the_rules_in_charge(post):
    comment = submit(post, text=SPAMMY)
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Held: no rule published it"
    assert comment.spam_score is None


def test_trusted_first_comments_wait_unless_the_author_says_otherwise(post):
    taught()
    assert submit(post, text=HAMMY).status == Comment.Status.PENDING


def test_a_trusted_first_comment_is_published_when_the_author_chose_so(post, settings):
    settings.COMMENTS_SPAM_APPROVE_TRUSTED = True
    taught()
    comment = submit(post, text=HAMMY)
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderation_reason.startswith("Approved: the spam filter trusts it")


def test_a_trusted_comment_another_rule_holds_still_waits(post, settings):
    settings.COMMENTS_SPAM_APPROVE_TRUSTED = True
    settings.COMMENTS_MODERATION_WORDS = ["montage"]
    taught()
    comment = submit(post, text=HAMMY)
    assert comment.status == Comment.Status.PENDING
    assert "moderation word" in comment.moderation_reason


def test_a_failing_filter_holds_the_comment_and_logs_why(post, settings, monkeypatch, caplog):
    settings.COMMENTS_SPAM_APPROVE_TRUSTED = True
    taught()

    def broken(tokens):
        raise DatabaseError("no such table: comments_spamtoken")

    monkeypatch.setattr(store, "counts_for", broken)
    with caplog.at_level(logging.ERROR, logger="comments.spam.checks"):
        comment = submit(post, text=HAMMY)
    assert comment.pk is not None
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Held: the spam filter failed (DatabaseError)"
    assert "no such table" in caplog.text


def test_a_failing_query_leaves_the_comment_savable(post, settings):
    """A real database error inside the filter: the comment is still saved, held."""
    taught()
    from comments.spam.models import SpamToken

    settings.COMMENTS_SPAM_APPROVE_TRUSTED = True
    original = SpamToken._meta.db_table
    SpamToken._meta.db_table = "no_such_table"
    try:
        comment = submit(post, text=HAMMY)
    finally:
        SpamToken._meta.db_table = original
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


BAD_INPUT = {
    "empty": "",
    "longest": "x" * 65525,
    "many-words": " ".join(f"w{n}" for n in range(12000))[:65525],
    "scripts": "Привет مرحبا שָׁלוֹם नमस्ते 안녕 这是视频 ภาษาไทย ελληνικά ሰላም ᏣᎳᎩ",
    "emoji": "🔥💰👍🏽🇺🇦 🧑‍🚀",
    "zero-width": "\u200b\u200c\u200d\ufeff\u2060\u00ad",
}


@pytest.mark.parametrize("text", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_any_text_is_scored_without_an_error(post, text):
    taught()
    submission = submission_for(post, text=text)
    decision = spam_filter(submission, discussion_settings())
    assert decision is None or decision.verdict in {Verdict.HOLD, Verdict.SPAM}
    assert "failed" not in str(getattr(decision, "reason", ""))


@pytest.mark.parametrize("name", ["longest", "scripts", "emoji"])
def test_any_text_sent_from_the_form_is_saved_not_an_error(client, post, name):
    taught()
    data = comment_data(post, text=BAD_INPUT[name], email=f"{name}@example.org")
    response = client.post(comment_endpoint(), data)
    assert response.status_code == 303
    assert Comment.objects.filter(email=f"{name}@example.org").exists()


def test_a_comment_longer_than_the_filter_reads_waits_for_the_author(post):
    """Nothing hides past the end: 20,000 harmless characters, then the pitch."""
    taught()
    CommentFactory(
        name="Adrian",
        email="adrian@example.org",
        created_at=timezone.now() - datetime.timedelta(days=1),
    )
    text = (HAMMY + " ") * 260 + SPAMMY
    comment = submit(post, name="Adrian", email="adrian@example.org", text=text)
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == (
        "Held: longer than the 20000 characters the spam filter reads"
    )
