"""A mail the server refuses is tried again later, a bounded number of times, then shown."""

import datetime
import logging
import socket

import pytest
from django.core import mail
from django.core.mail import send_mail
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from outbox.models import OutgoingMail
from outbox.services import MAX_ATTEMPTS, mail_deliver, mail_retry, retry_delay

pytestmark = pytest.mark.django_db


def queue_one(capture, to="reader@example.com"):
    with capture(execute=True):
        send_mail("Hello", "A new post.", None, [to])
    return OutgoingMail.objects.get()


def test_a_refused_connection_is_retried_after_a_back_off(
    run_worker, database_queue, flaky_server, django_capture_on_commit_callbacks
):
    """The first try fails and is recorded; the next runs once its delay has passed, and sends."""
    flaky_server(1)
    queued = queue_one(django_capture_on_commit_callbacks)
    with freeze_time("2026-12-01 10:00:00"):
        run_worker()
    queued.refresh_from_db()
    assert mail.outbox == []
    assert queued.status == OutgoingMail.Status.QUEUED
    assert queued.attempts == 1
    assert queued.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    retry_at = datetime.datetime(2026, 12, 1, 10, 1, tzinfo=datetime.UTC)
    assert queued.next_attempt_at == retry_at
    assert DBTaskResult.objects.get(status="READY").run_after == retry_at
    with freeze_time("2026-12-01 10:00:59"):
        run_worker()
    assert mail.outbox == []

    with freeze_time("2026-12-01 10:01:00"):
        run_worker()
    queued.refresh_from_db()
    assert len(mail.outbox) == 1
    assert queued.status == OutgoingMail.Status.SENT
    assert queued.attempts == 2 and queued.last_error == "" and queued.next_attempt_at is None


def test_each_retry_waits_five_times_longer_than_the_last():
    """1, 5, 25, 125 and 625 minutes: a night's outage is waited out in six tries."""
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)]
    assert delays == [datetime.timedelta(minutes=m) for m in (1, 5, 25, 125, 625)]


def test_after_the_last_attempt_the_mail_is_failed_and_no_longer_retried(
    run_worker, database_queue, flaky_server, django_capture_on_commit_callbacks
):
    """Tries stop at MAX_ATTEMPTS; the mail is marked failed with the last error."""
    flaky_server(100)
    queued = queue_one(django_capture_on_commit_callbacks)
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with freeze_time(moment):
            run_worker()
        queued.refresh_from_db()
        assert queued.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            moment += retry_delay(attempt)
    assert queued.status == OutgoingMail.Status.FAILED
    assert queued.next_attempt_at is None
    assert "Connection refused" in queued.last_error
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    with freeze_time(moment + datetime.timedelta(days=30)):
        run_worker()
    assert mail.outbox == []


def test_a_permanent_refusal_is_not_retried(
    run_worker, database_queue, settings, django_capture_on_commit_callbacks
):
    """A 5xx answer will not change: the mail fails at once instead of five more times."""
    settings.OUTBOX_DELIVERY_BACKEND = "tests.outbox.conftest.RejectingBackend"
    queued = queue_one(django_capture_on_commit_callbacks)
    run_worker()
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.FAILED and queued.attempts == 1
    assert queued.last_error.startswith("SMTPDataError: (554")


def test_an_unreachable_smtp_server_is_retried_without_a_crash(
    run_worker, database_queue, settings, django_capture_on_commit_callbacks
):
    """Nothing listens on the mail server's port: the worker records it and carries on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 5
    queued = queue_one(django_capture_on_commit_callbacks)
    run_worker()
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.QUEUED and queued.attempts == 1
    assert queued.last_error.startswith("ConnectionRefusedError")
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_the_same_mail_queued_to_two_workers_is_sent_once(
    run_worker, database_queue, django_capture_on_commit_callbacks
):
    """Two tasks for one mail (as two workers would each take one) deliver a single copy."""
    from outbox.tasks import deliver_mail

    queued = queue_one(django_capture_on_commit_callbacks)
    deliver_mail.enqueue(queued.pk)
    assert DBTaskResult.objects.ready().count() == 2
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_worker_arriving_while_another_sends_leaves_the_mail_alone(
    run_worker, database_queue, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The row is claimed before the server is reached, so a rival worker mid-send backs off."""
    from django.core.mail.backends.locmem import EmailBackend

    rival_results = []
    original_send = EmailBackend.send_messages

    def send_while_a_rival_runs(self, messages):
        rival_results.append(mail_deliver(mail_id=queued.pk))
        return original_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_while_a_rival_runs)
    queued = queue_one(django_capture_on_commit_callbacks)
    run_worker()
    assert rival_results == [False]
    assert len(mail.outbox) == 1


def test_logs_at_info_name_no_recipient(
    run_worker, database_queue, flaky_server, caplog, django_capture_on_commit_callbacks
):
    """Queueing, failing and sending are logged by mail id: no address reaches the log."""
    flaky_server(1)
    caplog.set_level(logging.INFO)
    queue_one(django_capture_on_commit_callbacks, to="private.reader@example.com")
    with freeze_time("2026-12-01 10:00:00"):
        run_worker()
    with freeze_time("2026-12-01 10:05:00"):
        run_worker()
    assert len(mail.outbox) == 1
    assert "sent" in caplog.text and "not sent" in caplog.text
    assert "private.reader" not in caplog.text


def test_a_missing_delivery_setting_fails_the_mail_with_what_to_set(
    run_worker, database_queue, settings, django_capture_on_commit_callbacks
):
    """The worker keeps running; the mail is failed with the sentence, for the author to retry."""
    queued = queue_one(django_capture_on_commit_callbacks)
    del settings.OUTBOX_DELIVERY_BACKEND
    run_worker()
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.FAILED
    assert queued.last_error.startswith("ImproperlyConfigured: Set OUTBOX_DELIVERY_BACKEND")
    assert DBTaskResult.objects.get().status == "FAILED"


def test_a_retry_no_worker_will_run_can_be_sent_again_once_due(
    queued_mail, flaky_server, django_capture_on_commit_callbacks
):
    """Where tasks run at once and cannot wait, a refused mail waits with its next time;
    once that time has passed the author's "send again" sends it."""
    flaky_server(1)
    with freeze_time("2026-12-01 10:00:00"):
        queued = queue_one(django_capture_on_commit_callbacks)
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.QUEUED and not mail.outbox
    with freeze_time("2026-12-01 10:00:30"):
        assert mail_retry(mails=[queued]) == 0
    with freeze_time("2026-12-01 10:01:00"), django_capture_on_commit_callbacks(execute=True):
        assert mail_retry(mails=[queued]) == 1
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT and len(mail.outbox) == 1
