"""The project's EMAIL_BACKEND: senders keep calling ``send_mail`` and mail is queued."""

from django.core.mail.backends.base import BaseEmailBackend

from outbox.services import mail_queue


class QueuedEmailBackend(BaseEmailBackend):
    """Store each message in the current transaction; the task worker delivers it.

    Building the MIME bytes happens here, in the sender's code, so a message that
    cannot be serialized (a header with a newline, say) fails where it was written,
    as it would with Django's own backends.
    """

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                mail_queue(message=message)
            except (ValueError, TypeError):
                if not self.fail_silently:
                    raise
                continue
            queued += 1
        return queued
