import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from comments.models import Comment
from comments.services import comment_approve, comment_mark_spam, comment_reply_as_author
from subscriptions.models import ReplyWatch, Subscriber
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PostFactory, StaffFactory
from tests.subscriptions.helpers import confirm_link, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(settings):
    settings.COMMENTS_CHECKS = []  # every comment waits for the author, unless a test says
    return PostFactory(title="Rocky IV")


def _comment(post, capture, **fields):
    with capture(execute=True):
        Client().post(comment_endpoint(), comment_data(post, **fields))
    return Comment.objects.latest("pk")


@pytest.fixture
def watched(post, settings, django_capture_on_commit_callbacks):
    """Adrian's approved comment, with replies asked for and the address confirmed."""
    comment = _comment(
        post,
        django_capture_on_commit_callbacks,
        name="Adrian",
        email="adrian@example.com",
        notify_replies="on",
    )
    [confirmation] = mail.outbox
    Client().get(path_of(confirm_link(confirmation), settings))
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[comment])
    mail.outbox.clear()
    return comment


def test_ticking_email_me_replies_sends_a_confirmation_first(
    post, django_capture_on_commit_callbacks
):
    """The box on the comment form asks the address to confirm before any notice."""
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Email me replies to my comment" in page
    _comment(post, django_capture_on_commit_callbacks, notify_replies="on")
    [message] = mail.outbox
    assert "Confirm replies" in message.subject
    assert Subscriber.objects.get().status == Subscriber.Status.WAITING
    assert ReplyWatch.objects.count() == 1


def test_a_confirmed_address_confirms_each_comment_it_watches(
    post, watched, settings, django_capture_on_commit_callbacks
):
    """Anyone may type a subscriber's address on a comment: replies to that comment reach
    the subscriber only once they confirm it, from a link mailed for it."""
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=11)
    with freeze_time(later):
        other = _comment(
            post,
            django_capture_on_commit_callbacks,
            name="Not Adrian",
            email="adrian@example.com",
            notify_replies="on",
        )
        [confirmation] = mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[other])
    replier = CommentFactory(target=post, parent=other, email="rocky@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[replier])
    assert [m for m in mail.outbox if m is not confirmation] == []
    watch = ReplyWatch.objects.get(comment=other)
    assert watch.confirmed_at is None
    with freeze_time(later + datetime.timedelta(minutes=1)):
        Client().get(path_of(confirm_link(confirmation), settings))
    watch.refresh_from_db()
    assert watch.confirmed_at is not None


def test_an_unticked_comment_is_not_watched(post, django_capture_on_commit_callbacks):
    _comment(post, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not Subscriber.objects.exists()


def test_a_published_reply_emails_the_watcher_once(
    post, watched, django_capture_on_commit_callbacks
):
    """Approved by the author, the reply is mailed; approving it again sends nothing more."""
    reply = _comment(
        post, django_capture_on_commit_callbacks, name="Rocky", parent=str(watched.pk)
    )
    assert mail.outbox == []  # pending: not yet
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[reply])
    [message] = mail.outbox
    assert message.to == ["adrian@example.com"]
    assert "Rocky replied" in message.subject
    assert reply.text in message.body
    assert "ivan@example.com" not in message.body  # the replier's address stays private
    with django_capture_on_commit_callbacks(execute=True):
        comment_mark_spam(comments=[reply])
        comment_approve(comments=[reply])
    assert len(mail.outbox) == 1


def test_a_reply_approved_at_once_emails_the_watcher(
    post, watched, settings, django_capture_on_commit_callbacks
):
    """A returning commenter's reply, published on arrival, is mailed on arrival."""
    settings.COMMENTS_CHECKS = ["comments.checks.returning_commenter"]
    CommentFactory(target=post, name="Ivan Drago", email="ivan@example.com")
    reply = _comment(post, django_capture_on_commit_callbacks, parent=str(watched.pk))
    assert reply.is_approved
    assert len(mail.outbox) == 1


def test_the_authors_reply_from_the_admin_emails_the_watcher(
    watched, django_capture_on_commit_callbacks
):
    author = StaffFactory(email="author@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply_as_author(parent=watched, author=author, text="Thanks, Adrian.")
    [message] = mail.outbox
    assert message.to == ["adrian@example.com"]


def test_a_reply_approved_in_bulk_in_the_admin_emails_the_watcher(
    client, author, post, watched, django_capture_on_commit_callbacks
):
    reply = _comment(post, django_capture_on_commit_callbacks, parent=str(watched.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "bulk_approve", "_selected_action": [reply.pk]},
        )
    assert len(mail.outbox) == 1


def test_a_reply_approved_by_editing_its_status_emails_the_watcher(
    client, author, post, watched, django_capture_on_commit_callbacks
):
    reply = _comment(post, django_capture_on_commit_callbacks, parent=str(watched.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_comment_change", args=[reply.pk]),
            {
                "status": "approved", "name": reply.name, "email": reply.email,
                "url": "", "text": reply.text,
            },
        )  # fmt: skip
    assert Comment.objects.get(pk=reply.pk).is_approved
    assert len(mail.outbox) == 1


def test_no_notice_for_ones_own_reply(post, watched, django_capture_on_commit_callbacks):
    reply = _comment(
        post,
        django_capture_on_commit_callbacks,
        email="ADRIAN@example.com",
        parent=str(watched.pk),
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[reply])
    assert mail.outbox == []


def test_no_notice_for_a_reply_left_pending_or_marked_spam(
    post, watched, django_capture_on_commit_callbacks
):
    reply = _comment(post, django_capture_on_commit_callbacks, parent=str(watched.pk))
    with django_capture_on_commit_callbacks(execute=True):
        comment_mark_spam(comments=[reply])
    assert mail.outbox == []


def test_no_notice_before_the_address_is_confirmed(post, django_capture_on_commit_callbacks):
    parent = _comment(
        post, django_capture_on_commit_callbacks, email="adrian@example.com", notify_replies="on"
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[parent])
    mail.outbox.clear()
    reply = _comment(post, django_capture_on_commit_callbacks, parent=str(parent.pk))
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comments=[reply])
    assert mail.outbox == []


def test_a_spam_comment_that_ticked_the_box_mails_no_one(
    post, settings, django_capture_on_commit_callbacks
):
    """A bot cannot use the form to mail strangers' addresses."""
    settings.COMMENTS_CHECKS = ["comments.checks.honeypot"]
    _comment(post, django_capture_on_commit_callbacks, notify_replies="on", homepage="spam")
    assert mail.outbox == []
