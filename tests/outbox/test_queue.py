"""Mail leaves through the embedded (database) queue, after the request, once."""

import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from comments.models import Comment
from outbox.models import OutgoingMail
from outbox.services import STRANDED_AFTER, mail_deliver, mail_requeue_stranded
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(settings):
    settings.MONTAGE_MODERATION_EMAIL = "author@example.com"
    return PostFactory(author=UserFactory(email="author@example.com"), title="Rocky IV")


def test_a_comment_is_answered_before_its_moderation_mail_leaves(
    run_worker, client, post, database_queue, django_capture_on_commit_callbacks
):
    """The reader's response comes back with the mail queued, not sent; the worker sends it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(comment_endpoint(), comment_data(post, text="Adrian!"))
    assert response.status_code == 303
    assert Comment.objects.count() == 1
    assert mail.outbox == []
    queued = OutgoingMail.objects.get()
    assert queued.status == OutgoingMail.Status.QUEUED
    assert queued.recipients == ["author@example.com"]
    assert DBTaskResult.objects.count() == 1

    run_worker()

    [message] = mail.outbox
    assert message.to == ["author@example.com"]
    assert "Please moderate" in message.subject and "Adrian!" in message.body
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT and queued.attempts == 1
    assert queued.sent_at is not None


def test_mail_of_a_rolled_back_transaction_is_never_sent(
    run_worker, database_queue, transactional_db
):
    """A request that fails after sending mail leaves nothing queued and nothing sent."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Hello", "Body", None, ["reader@example.com"])
        raise RuntimeError("the request failed after sending")
    run_worker()
    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []


def test_the_message_is_delivered_byte_for_byte_with_its_headers(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """Headers such as List-Unsubscribe, Bcc recipients and non-ASCII text all arrive intact."""
    message = EmailMessage(
        "Nouveau : « Rocky IV »",
        "Une scène, sa musique.",
        "Montage <montage@example.com>",
        ["reader@example.com"],
        bcc=["hidden@example.com"],
        headers={
            "List-Unsubscribe": "<https://montage.example/subscribe/unsubscribe/abc/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    run_worker()

    [delivered] = mail.outbox
    assert delivered.recipients() == ["reader@example.com", "hidden@example.com"]
    assert delivered.subject == "Nouveau : « Rocky IV »"
    assert delivered.body == "Une scène, sa musique."
    assert delivered.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = delivered.message()
    assert sent["List-Unsubscribe"] == "<https://montage.example/subscribe/unsubscribe/abc/>"
    assert sent["Message-ID"] and "Bcc" not in sent
    assert sent.as_bytes() == bytes(OutgoingMail.objects.get().message)


def test_a_delivery_task_run_twice_sends_the_mail_once(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """A task the queue hands out twice (a retry, a restarted worker) delivers one copy."""
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Once", "Only once.", None, ["reader@example.com"])
    mail_id = OutgoingMail.objects.get().pk
    assert mail_deliver(mail_id=mail_id) is True
    assert mail_deliver(mail_id=mail_id) is False
    run_worker()
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().attempts == 1


def test_mail_without_recipients_is_not_queued(database_queue):
    """A message addressed to nobody is dropped, as Django's own backends do."""
    assert send_mail("Nobody", "Body", None, []) == 0
    assert OutgoingMail.objects.count() == 0


def test_a_message_that_cannot_be_built_fails_where_it_is_sent(database_queue):
    """A header with a newline (header injection) is refused at once; nothing is queued."""
    from django.core.mail import BadHeaderError

    with pytest.raises(BadHeaderError):
        send_mail("Hello\nBcc: victim@example.com", "Body", None, ["reader@example.com"])
    assert (
        send_mail("Hi\nBcc: x@example.com", "B", None, ["r@example.com"], fail_silently=True) == 0
    )
    assert OutgoingMail.objects.count() == 0


def test_with_tasks_run_at_once_the_mail_is_sent_on_commit(
    queued_mail, django_capture_on_commit_callbacks
):
    """The test suite's default (tasks run as enqueued) still puts queued mail in mail.outbox."""
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Now", "Sent on commit.", None, ["reader@example.com"])
    assert [message.subject for message in mail.outbox] == ["Now"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_sent_mail_is_deleted_after_thirty_days(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """Each row holds a reader's address: sent ones are kept a month, then go at a later send."""
    with freeze_time("2026-10-01 09:00:00"):
        with django_capture_on_commit_callbacks(execute=True):
            send_mail("Old", "Sent long ago.", None, ["old@example.com"])
        run_worker()
    with freeze_time("2026-10-30 09:00:00"):
        with django_capture_on_commit_callbacks(execute=True):
            send_mail("Recent", "Sent a month later.", None, ["recent@example.com"])
        run_worker()
    assert OutgoingMail.objects.count() == 2
    with freeze_time("2026-11-01 09:00:00"):
        with django_capture_on_commit_callbacks(execute=True):
            send_mail("New", "Sent today.", None, ["new@example.com"])
        run_worker()
    assert sorted(OutgoingMail.objects.values_list("subject", flat=True)) == ["New", "Recent"]


def test_mail_whose_task_was_lost_goes_out_with_the_next_delivery(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """A mail kept while the queue was down (its task never made) is not left behind:
    the next mail delivered takes it along, and each is sent once."""
    with django_capture_on_commit_callbacks(execute=False):
        send_mail("Stranded", "Queued while the broker was down.", None, ["a@example.com"])
    OutgoingMail.objects.update(updated_at=timezone.now() - STRANDED_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Next", "After the broker came back.", None, ["b@example.com"])
    run_worker()
    run_worker()
    assert sorted(message.subject for message in mail.outbox) == ["Next", "Stranded"]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def test_mail_just_queued_is_not_queued_twice(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """A mail waiting only moments for its worker keeps its one task."""
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("First", "Its task waits.", None, ["a@example.com"])
    assert mail_requeue_stranded() == 0
    assert DBTaskResult.objects.count() == 1


def test_mail_sent_while_the_queue_is_down_is_kept_and_raises_nothing(
    database_queue, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker refusing the task costs the sender nothing: the mail waits, queued."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from outbox import services

    def refused(mail_id, run_after=None):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(services, "_enqueue", refused)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_mail("Kept", "Queue down.", None, ["reader@example.com"]) == 1
    send_mail("Outside a transaction", "Queue down.", None, ["reader@example.com"])
    assert list(OutgoingMail.objects.values_list("status", flat=True)) == ["queued", "queued"]


def test_requeue_mail_sends_mail_whose_task_was_lost_with_no_other_mail(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """What make serve runs as its worker starts: no later mail needed to take it along."""
    with django_capture_on_commit_callbacks(execute=False):
        send_mail("Stranded", "Queued while the broker was down.", None, ["a@example.com"])
    OutgoingMail.objects.update(updated_at=timezone.now() - STRANDED_AFTER * 2)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_mail", stdout=out)
    assert out.getvalue() == "1 mail queued again.\n"
    run_worker()
    assert [message.subject for message in mail.outbox] == ["Stranded"]
    out = io.StringIO()
    call_command("requeue_mail", stdout=out)
    assert out.getvalue() == "No mail was stranded.\n"
