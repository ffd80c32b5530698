"""The comments app tells other apps, which it does not know, about comments (signals)."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import (
    comment_approve,
    comment_mark_spam,
    comment_reply_as_author,
    comment_restore,
)
from comments.signals import comment_published, comment_submitted
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PostFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every comment_submitted and comment_published sent, in order."""
    sent = []

    def submitted(sender, comment, notify_replies, **kwargs):
        sent.append(("submitted", comment.pk, notify_replies))

    def published(sender, comments, **kwargs):
        sent.append(("published", sorted(comment.pk for comment in comments)))

    comment_submitted.connect(submitted, dispatch_uid="test.submitted")
    comment_published.connect(published, dispatch_uid="test.published")
    yield sent
    comment_submitted.disconnect(dispatch_uid="test.submitted")
    comment_published.disconnect(dispatch_uid="test.published")


@pytest.fixture
def pending(settings):
    settings.COMMENTS_CHECKS = []
    return CommentFactory(target=PostFactory(), status=Comment.Status.PENDING)


def test_a_submitted_comment_is_told_with_the_readers_choice_after_commit(
    client, settings, heard, django_capture_on_commit_callbacks
):
    """Held for moderation: submitted (ticked or not), not published; nothing before commit."""
    settings.COMMENTS_CHECKS = []
    post = PostFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(comment_endpoint(), comment_data(post, notify_replies="on"))
    assert heard == []
    for callback in callbacks:
        callback()
    assert heard == [("submitted", Comment.objects.get().pk, True)]


def test_a_comment_approved_on_arrival_is_told_published(
    author, heard, django_capture_on_commit_callbacks
):
    """The author's own comment is published at once, and said to be."""
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(comment_endpoint(), comment_data(post))  # a reader: held
        author_client = Client()
        author_client.force_login(author)
        author_client.post(comment_endpoint(), comment_data(post, email="a@example.com"))
    held, approved = Comment.objects.order_by("pk")
    assert ("published", [approved.pk]) in heard
    assert ("published", [held.pk]) not in heard


@pytest.mark.parametrize("approve", ["service", "bulk", "row", "status_edit"])
def test_every_way_of_approving_tells_published(
    client, author, pending, heard, approve, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        if approve == "service":
            comment_approve(comments=[pending])
        elif approve == "bulk":
            client.post(
                reverse("admin:comments_comment_changelist"),
                {"action": "bulk_approve", "_selected_action": [pending.pk]},
            )
        elif approve == "row":
            client.post(reverse("admin:comments_comment_approve", args=[pending.pk]))
        else:
            client.post(
                reverse("admin:comments_comment_change", args=[pending.pk]),
                {
                    "status": "approved", "name": pending.name, "email": pending.email,
                    "url": "", "text": pending.text,
                },
            )  # fmt: skip
    assert heard == [("published", [pending.pk])]


def test_the_authors_reply_tells_the_parent_and_the_reply_published(
    pending, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_reply_as_author(parent=pending, author=StaffFactory(), text="Thanks.")
    assert heard == [("published", [pending.pk]), ("published", [reply.pk])]


def test_spam_restore_and_an_approval_that_changes_nothing_tell_nothing(
    pending, heard, django_capture_on_commit_callbacks
):
    approved = CommentFactory(target=pending.target)
    with django_capture_on_commit_callbacks(execute=True):
        comment_mark_spam(comments=[pending])
        comment_restore(comments=[pending])
        comment_approve(comments=[approved])
    assert heard == []
