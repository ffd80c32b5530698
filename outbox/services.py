"""Queueing mail and delivering it once, with retries that back off."""

import logging
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import OutgoingMail
from outbox.tasks import deliver_mail

logger = logging.getLogger(__name__)

# Six tries over about thirteen hours (1, 5, 25, 125 and 625 minutes apart): a mail
# server down for a night is waited out, and the author hears of the first failure at
# once on the admin's home page. (Postfix itself retries for 5 days: maximal_queue_lifetime.)
MAX_ATTEMPTS = 6
# Sent mail is kept this long for the author to look back on, then deleted: each row
# holds a reader's address, which the site keeps no longer than it needs.
SENT_MAIL_KEPT = timedelta(days=30)
# A queued mail whose task is this long overdue never reached a worker: the broker was
# down when it was queued, or lost its jobs restarting. The next delivery queues it again
# (``mail_requeue_stranded``); a second task for one mail sends nothing twice.
STRANDED_AFTER = timedelta(seconds=10)
FIRST_RETRY_DELAY = timedelta(minutes=1)
RETRY_BACKOFF = 5


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return FIRST_RETRY_DELAY * RETRY_BACKOFF ** (attempts - 1)


def delivery_backend() -> str:
    """The email backend that really sends: SMTP in production, the console by default."""
    path = getattr(settings, "OUTBOX_DELIVERY_BACKEND", "")
    if not path:
        raise ImproperlyConfigured(
            "Set OUTBOX_DELIVERY_BACKEND to the email backend that sends queued mail "
            "(montage/settings.py reads it from the EMAIL_BACKEND environment variable)."
        )
    if path == "outbox.backends.QueuedEmailBackend":
        raise ImproperlyConfigured(
            "OUTBOX_DELIVERY_BACKEND names the queue itself: it must name the backend "
            "that sends, e.g. django.core.mail.backends.smtp.EmailBackend."
        )
    return path


def mail_queue(*, message: EmailMessage) -> OutgoingMail:
    """Keep ``message`` as its exact bytes; the worker gets it once this transaction commits."""
    raw = message.message().as_bytes()
    mail = OutgoingMail.objects.create(
        from_email=message.from_email,
        recipients=message.recipients(),
        subject=str(message.subject),
        message=raw,
    )
    _enqueue_on_commit(mail.pk)
    logger.info("mail %s queued", mail.pk)
    return mail


def _enqueue_on_commit(mail_id, run_after=None):
    """Hand the mail to the queue once the transaction commits; a queue that is down
    leaves it kept and queued (``mail_requeue_stranded`` comes back for it).

    A named function, not a ``functools.partial``: Django logs a robust callback's
    failure by its ``__qualname__``, which a partial lacks, so the logging itself
    raised, after the commit, into the request that sent the mail.
    """

    def enqueue_mail():
        _enqueue(mail_id, run_after)

    transaction.on_commit(enqueue_mail, robust=True)


def _enqueue(mail_id, run_after=None):
    task = deliver_mail if run_after is None else deliver_mail.using(run_after=run_after)
    task.enqueue(mail_id)


def mail_deliver(*, mail_id: int) -> bool:
    """Send one queued mail, unless another worker has it or it has gone already.

    The row is claimed with one conditional UPDATE (queued to sending), which only
    one worker can win, so a task run twice, or by two workers, sends one message once.
    A worker that dies mid-send leaves the mail "sending": shown to the author, not
    sent again on its own, as a second copy is worse than a late one.
    """
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    if not claimed:
        logger.info(
            "mail %s not sent: not queued (sent, failed or taken by another worker)", mail_id
        )
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        with get_connection(delivery_backend()) as connection:
            connection.send_messages([mail.as_email_message()])
    except (SMTPException, OSError) as error:
        _record_failure(mail, error)
        return False
    except Exception as error:
        # Not the mail server's doing: keep the mail (failed, with why) and let the
        # task fail loudly too.
        _record_failure(mail, error, permanent=True)
        raise
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        updated_at=timezone.now(),
    )
    logger.info("mail %s sent (attempt %s)", mail.pk, mail.attempts)
    OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=timezone.now() - SENT_MAIL_KEPT
    ).delete()
    mail_requeue_stranded()
    return True


def mail_requeue_stranded() -> int:
    """Queue again mail waiting, with no retry time, for longer than ``STRANDED_AFTER``:
    its task was lost. Each is touched first, so the next sweep gives it as long again."""
    now = timezone.now()
    stranded = list(
        OutgoingMail.objects.filter(
            status=OutgoingMail.Status.QUEUED,
            next_attempt_at__isnull=True,
            updated_at__lt=now - STRANDED_AFTER,
        ).values_list("pk", flat=True)[:100]
    )
    if not stranded:
        return 0
    OutgoingMail.objects.filter(pk__in=stranded).update(updated_at=now)
    logger.warning("%s queued mail had no task (the queue was down): queued again", len(stranded))
    for mail_id in stranded:
        _enqueue_on_commit(mail_id)
    return len(stranded)


def _is_permanent(error):
    """A 5xx answer (RFC 5321, 4.2.1) will not change on retry; 4xx and no answer may."""
    if isinstance(error, SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, SMTPResponseException) and error.smtp_code >= 500


def _record_failure(mail, error, *, permanent=False):
    now = timezone.now()
    gives_up = permanent or _is_permanent(error) or mail.attempts >= MAX_ATTEMPTS
    next_attempt_at = None if gives_up else now + retry_delay(mail.attempts)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED if gives_up else OutgoingMail.Status.QUEUED,
        next_attempt_at=next_attempt_at,
        last_error=f"{type(error).__name__}: {error}"[:1000],
        updated_at=now,
    )
    # The error's text may name recipients (a refused address): the log gets its type.
    logger.warning(
        "mail %s not sent (attempt %s of %s): %s%s",
        mail.pk,
        mail.attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
        "; given up" if gives_up else f"; next try at {next_attempt_at:%Y-%m-%d %H:%M:%S%z}",
    )
    if next_attempt_at is not None:
        _schedule_retry(mail.pk, next_attempt_at)


def _schedule_retry(mail_id, run_after):
    """Queue the next try; where tasks run at once (no deferring), the mail waits with its
    next time until the author sends it again (``mail_retry``)."""
    if deliver_mail.get_backend().supports_defer:
        _enqueue_on_commit(mail_id, run_after)


def mail_retry(*, mails) -> int:
    """Send failed mail again now, from a fresh count of attempts (the admin's action);
    also mail waiting for a retry that no worker will run (its time has passed)."""
    now = timezone.now()
    waiting = Q(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)
    again = Q(status=OutgoingMail.Status.FAILED) | waiting
    retried = list(
        OutgoingMail.objects.filter(again, pk__in=[mail.pk for mail in mails]).values_list(
            "pk", flat=True
        )
    )
    OutgoingMail.objects.filter(again, pk__in=retried).update(
        status=OutgoingMail.Status.QUEUED,
        attempts=0,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    for mail_id in retried:
        _enqueue_on_commit(mail_id)
    return len(retried)
