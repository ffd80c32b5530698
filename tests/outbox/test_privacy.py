"""A person's mail in the outbox can be exported and erased by their address."""

import pytest

from comments.privacy import person_erase, person_export
from outbox.models import OutgoingMail
from outbox.privacy import person_mail_erase, person_mail_export
from outbox.services import mail_deliver

pytestmark = pytest.mark.django_db


def mail_to(*recipients, subject="New post"):
    return OutgoingMail.objects.create(
        from_email="montage@localhost",
        recipients=list(recipients),
        subject=subject,
        message=b"Subject: x\n\nBody\n",
    )


def test_export_lists_the_mail_sent_to_an_address_whatever_its_case():
    mail_to("Ivan Drago <Ivan@Example.com>", subject="Reply to you")
    mail_to("someone@example.com", subject="Not theirs")
    [exported] = person_mail_export(email="ivan@example.com ")["mail"]
    assert exported["subject"] == "Reply to you" and exported["status"] == "queued"


def test_erasing_an_address_deletes_its_mail_and_a_waiting_one_is_never_sent(queued_mail):
    waiting = mail_to("ivan@example.com")
    kept = mail_to("someone@example.com")
    assert person_mail_erase(email="ivan@example.com") == 1
    assert list(OutgoingMail.objects.all()) == [kept]
    assert mail_deliver(mail_id=waiting.pk) is False


def test_the_admins_privacy_request_exports_and_erases_a_persons_mail(queued_mail, database_queue):
    """The comments app's export and erase, by address, reach the mail waiting for them."""
    mail_to("ivan@example.com", subject="Reply to you")
    [exported] = person_export(email="Ivan@example.com")["mail"]
    assert exported["subject"] == "Reply to you"
    person_erase(email="ivan@example.com", delete=False)
    assert not OutgoingMail.objects.exists()
