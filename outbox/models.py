from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

from django.core.mail import EmailMessage
from django.core.mail.message import MIMEMixin
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMailQuerySet(models.QuerySet):
    def unsent(self):
        """Mail that has not gone out: waiting for a retry, or given up on."""
        return self.filter(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.FAILED])

    def in_trouble(self):
        """Unsent mail whose last attempt failed: what the author should hear about."""
        return self.unsent().exclude(last_error="")


class OutgoingMail(models.Model):
    """One message on its way out, kept as the exact bytes its sender built.

    The row is written in the sender's transaction and only then handed to the task
    worker, so a rolled-back request sends nothing and a committed one loses nothing.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    from_email = models.TextField()
    recipients = models.JSONField(help_text=_("Every envelope recipient: To, Cc and Bcc."))
    subject = models.TextField(blank=True)
    message = models.BinaryField(help_text=_("The whole message (headers and body) as sent."))
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="outbox_mail_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="outbox_mail_status_valid",
            )
        ]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")

    def __str__(self):
        return self.subject or _("(no subject)")

    def as_email_message(self):
        return StoredEmailMessage(
            from_email=self.from_email, recipients=self.recipients, raw=bytes(self.message)
        )


class StoredMIMEMessage(MIMEMixin, Message):
    """A parsed stored message that Django's backends can write out again as it was."""


class StoredEmailMessage(EmailMessage):
    """An ``EmailMessage`` whose MIME form is the stored bytes, headers and all.

    The envelope (``from_email``, ``to``) is what the sender asked for: ``to`` holds
    every recipient, Bcc included, as the stored headers never name Bcc ones.
    """

    def __init__(self, *, from_email, recipients, raw):
        self.raw = raw
        parsed = self.message()
        text = next(
            (part for part in parsed.walk() if part.get_content_type() == "text/plain"), None
        )
        body = ""
        if text is not None:
            body = text.get_payload(decode=True).decode(text.get_content_charset() or "utf-8")
        super().__init__(
            subject=str(make_header(decode_header(parsed.get("Subject", "")))),
            body=body,
            from_email=from_email,
            to=recipients,
        )
        self.extra_headers = {name: str(value) for name, value in parsed.items()}

    def message(self):
        return message_from_bytes(self.raw, _class=StoredMIMEMessage)
