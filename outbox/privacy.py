"""A person's mail, by address: exported or erased with the rest of their data, plugged
into the comments app's privacy tools (``COMMENTS_PRIVACY_EXPORTERS`` and
``COMMENTS_PRIVACY_ERASERS`` in montage/settings.py)."""

from email.utils import parseaddr

from outbox.models import OutgoingMail


def _mail_to(email):
    address = email.strip().lower()
    # JSON lookups inside the list differ by database (SQLite has no `contains`); the
    # outbox holds a month of mail, so it is read through once.
    return [
        pk
        for pk, recipients in OutgoingMail.objects.values_list("pk", "recipients").iterator()
        if address in {parseaddr(recipient)[1].lower() for recipient in recipients}
    ]


def person_mail_export(*, email: str) -> dict:
    """Every mail kept for ``email``: what it was, and whether it left."""
    mails = OutgoingMail.objects.filter(pk__in=_mail_to(email)).order_by("pk")
    return {
        "mail": [
            {
                "subject": mail.subject,
                "status": mail.status,
                "created_at": mail.created_at.isoformat(),
                "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
            }
            for mail in mails
        ]
    }


def person_mail_erase(*, email: str) -> int:
    """Delete every mail to ``email``, sent or not: one that waits is then never sent."""
    deleted, _by_model = OutgoingMail.objects.filter(pk__in=_mail_to(email)).delete()
    return deleted
