"""Erasing a commenter's data takes back what the filter learned from them."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_approve, comment_mark_spam
from comments.spam.models import SpamLesson
from comments.spam.training import spam_retrain
from tests.comments.spam.helpers import taught, token_counts, totals
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Drago@Example.org"
ERASE_URL = reverse("admin:comments_comment_privacy_erase")


@pytest.fixture
def drago():
    """Two of Drago's comments the author decided on, beside other readers'."""
    taught()
    first = CommentFactory(
        status=Comment.Status.PENDING,
        email=ADDRESS,
        name="Ivan Drago",
        url="https://drago.example",
        text="I must break you, comrade.",
    )
    second = CommentFactory(
        status=Comment.Status.PENDING, email="drago@example.org", name="Ivan", text="Siberia"
    )
    comment_approve(comments=[first])
    comment_mark_spam(comments=[second])
    return first, second


def _erase(client, how):
    client.post(ERASE_URL, {"email": ADDRESS, "how": how, "confirmed": "yes"})


@pytest.mark.parametrize("how", ["anonymise", "delete"])
def test_erasing_a_person_unlearns_their_comments(client, author, drago, how):
    before = totals()
    _erase(client, how)
    assert totals() == (before[0] - 1, before[1] - 1)
    for token in ("name:drago", "name:ivan", "site:drago.example", "text:comrade"):
        assert token_counts(token) is None, token
    assert token_counts("text:drago") == (0, 1)  # another reader's word stays


def test_anonymised_comments_are_never_learned_again(client, author, drago):
    _erase(client, "anonymise")
    after = totals()
    comment_mark_spam(comments=[Comment.objects.get(pk=drago[0].pk)])
    spam_retrain()
    assert totals() == after
    assert token_counts("text:comrade") is None


def test_erasing_finds_what_was_learned_from_a_deleted_comment(client, author, drago):
    """The spam folder was emptied before the request came: the lesson is still found."""
    drago[1].delete()
    assert token_counts("text:siberia") == (1, 0)
    _erase(client, "delete")
    assert token_counts("text:siberia") is None
    assert not SpamLesson.objects.filter(label=SpamLesson.Label.SPAM, comment=None).exists()


def test_anonymising_forgets_the_tokens_kept_on_the_comment(client, author, drago):
    Comment.objects.filter(pk=drago[0].pk).update(
        spam_score=0.1, spam_clues=[["name:drago", 0.01], ["text:comrade", 0.2]]
    )
    _erase(client, "anonymise")
    assert Comment.objects.get(pk=drago[0].pk).spam_clues == []
