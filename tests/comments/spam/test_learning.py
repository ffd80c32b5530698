"""The filter learns from each decision in the admin, and unlearns when one is undone."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.spam.models import SpamLesson
from comments.spam.training import spam_retrain
from freshness import version
from tests.comments.spam.helpers import taught, token_counts, totals
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:comments_comment_changelist")
SPAM_TEXT = "Buy cheap followers at https://followers.example.ru"


def _pending(text=SPAM_TEXT, **fields):
    return CommentFactory(status=Comment.Status.PENDING, text=text, **fields)


def _row_button(client, comment, action):
    """The row's button in the comment list: a POST to the comment's own action URL."""
    url = reverse(f"admin:comments_comment_{action}", args=[comment.pk])
    return client.post(f"{url}?next={LIST_URL}")


def _bulk(client, action, comments):
    """A bulk action on the list of all comments, as the author selects them there."""
    return client.post(
        f"{LIST_URL}?status=all",
        {"action": action, "_selected_action": [comment.pk for comment in comments]},
    )


def test_the_spam_button_teaches_the_comments_tokens_as_spam(client, author):
    comment = _pending()
    _row_button(client, comment, "spam")
    assert totals() == (1, 0)
    assert token_counts("link:example.ru") == (1, 0)
    assert token_counts("text:followers") == (1, 0)


def test_the_approve_button_teaches_them_as_legitimate(client, author):
    comment = _pending("A lovely scene", name="Adrian Balboa")
    _row_button(client, comment, "approve")
    assert totals() == (0, 1)
    assert token_counts("text:lovely") == (0, 1)
    assert token_counts("name:adrian") == (0, 1)


def test_a_bulk_action_teaches_every_selected_comment(client, author):
    comments = [_pending(), _pending(), _pending("Free followers, cheap")]
    _bulk(client, "bulk_spam", comments)
    assert totals() == (3, 0)
    assert token_counts("text:followers") == (3, 0)
    assert token_counts("text:free") == (1, 0)


def test_the_mail_links_confirmation_teaches_it_too(client, author):
    comment = _pending()
    url = reverse("admin:comments_comment_spam", args=[comment.pk])
    client.get(url)
    assert totals() == (0, 0)  # asking to confirm changes nothing
    client.post(url)
    assert totals() == (1, 0)


def test_the_status_changed_on_the_comments_page_teaches_it(client, author):
    comment = _pending()
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    client.post(
        url,
        {
            "status": "spam",
            "name": comment.name,
            "email": comment.email,
            "url": "",
            "text": comment.text,
        },
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert totals() == (1, 0)


def test_an_edited_text_is_learned_as_it_now_reads(client, author):
    comment = _pending()
    _row_button(client, comment, "spam")
    client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {"status": "spam", "name": comment.name, "email": comment.email, "url": "",
         "text": "Cheap watches"},
    )  # fmt: skip
    assert totals() == (1, 0)
    assert token_counts("text:followers") is None
    assert token_counts("text:watches") == (1, 0)


def test_not_spam_unlearns_the_spam(client, author):
    """Back to moderation from spam: the filter forgets it, and the tokens are gone."""
    comment = _pending()
    _row_button(client, comment, "spam")
    _bulk(client, "bulk_restore", [comment])
    assert totals() == (0, 0)
    assert token_counts("text:followers") is None
    assert not SpamLesson.objects.exists()


def test_approving_a_comment_from_spam_moves_what_was_learned(client, author):
    comment = _pending()
    _row_button(client, comment, "spam")
    _row_button(client, comment, "approve")
    assert totals() == (0, 1)
    assert token_counts("text:followers") == (0, 1)


def test_trashing_an_approved_comment_unlearns_it(client, author):
    comment = _pending("A lovely scene")
    _row_button(client, comment, "approve")
    _row_button(client, comment, "trash")
    assert totals() == (0, 0)


def test_the_same_decision_twice_is_learned_once(client, author):
    comment = _pending()
    _row_button(client, comment, "spam")
    _bulk(client, "bulk_spam", [comment])
    assert totals() == (1, 0)


def test_answering_a_comment_from_the_admin_approves_and_teaches_it(client, author):
    comment = _pending("A lovely scene")
    client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"text": "Thanks!"})
    assert totals() == (0, 1)  # the author's own reply teaches nothing


def test_deleting_a_spam_comment_keeps_what_was_learned(client, author):
    """Emptying the spam folder does not make the filter forget."""
    comment = _pending()
    _row_button(client, comment, "spam")
    comment.delete()
    assert totals() == (1, 0)
    assert SpamLesson.objects.get().comment is None


def test_retrain_rebuilds_the_same_counts_from_the_comments(db):
    taught()
    before = {token: token_counts(token) for token in ("link:example.ru", "text:scene")}
    kept = totals()
    done = spam_retrain()
    assert (done.spam, done.ham) == kept
    assert {token: token_counts(token) for token in before} == before


def test_retrain_learns_comments_that_arrived_moderated(db):
    """An import brings approved and spam comments the filter never saw being decided."""
    CommentFactory(status=Comment.Status.SPAM, text=SPAM_TEXT)
    CommentFactory(status=Comment.Status.APPROVED, text="A lovely scene")
    CommentFactory(status=Comment.Status.APPROVED, text="Thanks", is_author=True)
    CommentFactory(status=Comment.Status.TRASH, text="Off topic")
    assert totals() == (0, 0)
    spam_retrain()
    assert totals() == (1, 1)
    assert token_counts("text:topic") is None


def test_a_spam_rows_not_spam_button_unlearns_it(client, author):
    comment = _pending()
    _row_button(client, comment, "spam")
    page = client.get(LIST_URL, {"status": "spam"}).content.decode()
    restore = reverse("admin:comments_comment_restore", args=[comment.pk])
    assert f'formaction="{restore}?' in page
    assert 'aria-label="Mark as not spam the comment by' in page
    _row_button(client, comment, "restore")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert totals() == (0, 0)


def test_retraining_leaves_the_readers_page_caches_alone(db):
    """The filter's tables are no reader's page: writing them moves no content version."""
    taught()
    before = version.current()
    spam_retrain()
    assert version.current() == before
