"""The author sees the outbox in the admin, hears of mail that failed, and can retry it."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutgoingMail
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

OUTBOX = reverse("admin:outbox_outgoingmail_changelist")
MIME = b"From: montage@localhost\nTo: reader@example.com\nSubject: New post\n\nRead it.\n"


def mail_row(**fields):
    defaults = {
        "from_email": "montage@localhost",
        "recipients": ["reader@example.com"],
        "subject": "New post",
        "message": MIME,
    }
    return OutgoingMail.objects.create(**defaults | fields)


def test_the_author_sees_queued_sent_and_failed_mail(client, author):
    """Each mail is listed with its state and how many tries it took."""
    mail_row(subject="Waiting", status=OutgoingMail.Status.QUEUED)
    mail_row(subject="Gone", status=OutgoingMail.Status.SENT, attempts=1)
    mail_row(subject="Stuck", status=OutgoingMail.Status.FAILED, attempts=6, last_error="x")
    page = client.get(OUTBOX).content.decode()
    for subject in ("Waiting", "Gone", "Stuck"):
        assert subject in page
    failed_only = client.get(OUTBOX, {"status__exact": "failed"}).content.decode()
    assert "Stuck" in failed_only and "Gone" not in failed_only


def test_a_mail_page_shows_the_whole_message_and_why_it_failed(client, author):
    failed = mail_row(status=OutgoingMail.Status.FAILED, last_error="SMTPDataError: 554 no")
    page = client.get(reverse("admin:outbox_outgoingmail_change", args=[failed.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "SMTPDataError: 554 no" in text and "Subject: New post" in text
    assert "<textarea" not in text and 'name="_save"' not in text


def test_the_outbox_is_never_shown_to_readers_or_staff_without_permission():
    """Anonymous readers are sent to the login page; staff without the permission get 403."""
    mail_row()
    assert Client().get(OUTBOX).status_code == 302
    staff = Client()
    staff.force_login(StaffFactory())
    assert staff.get(OUTBOX).status_code == 403


def test_retrying_failed_mail_sends_it_again(
    client, author, queued_mail, django_capture_on_commit_callbacks
):
    """Retry queues a failed mail from a fresh count of tries; sent mail is left alone."""
    failed = mail_row(status=OutgoingMail.Status.FAILED, attempts=6, last_error="refused")
    sent = mail_row(status=OutgoingMail.Status.SENT, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            OUTBOX,
            {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 mail queued again." in response.content.decode()
    [message] = mail.outbox
    assert message.subject == "New post" and message.to == ["reader@example.com"]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT and failed.attempts == 1
    assert sent.attempts == 1


def test_the_admin_home_says_when_mail_could_not_be_sent(client, author):
    """Failed and retrying mail is counted on the home page, with the error and a link to retry."""
    index = reverse("admin:index")
    assert "could not be sent" not in client.get(index).content.decode()
    failed_at = timezone.make_aware(datetime.datetime(2026, 11, 30, 21, 5), datetime.UTC)
    mail_row(status=OutgoingMail.Status.FAILED, last_error="OSError: refused")
    mail_row(status=OutgoingMail.Status.QUEUED, attempts=2, last_error="SMTPServerDisconnected")
    OutgoingMail.objects.filter(last_error="OSError: refused").update(updated_at=failed_at)
    page = client.get(index).content.decode()
    assert "2 emails could not be sent" in page
    assert "failed with <code>SMTPServerDisconnected</code>" in page
    assert f'href="{OUTBOX}?status__exact=failed"' in page
    OutgoingMail.objects.update(status=OutgoingMail.Status.SENT)
    assert "could not be sent" not in client.get(index).content.decode()


def test_no_one_can_write_mail_from_the_admin(client, author):
    assert client.get(reverse("admin:outbox_outgoingmail_add")).status_code == 403
