"""Subscribing, confirming and unsubscribing: the actions on a subscriber.

Every answer a stranger can see is the same whether the address is known or not: the
views show one page for every request, and only the mailbox learns more.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment
from subscriptions.mail import CONFIRM_SALT, POSTS, REPLIES, confirm_url, subscriber_message
from subscriptions.models import ReplyWatch, Subscriber

logger = logging.getLogger(__name__)

# Django's password reset links last 3 days (PASSWORD_RESET_TIMEOUT); so does this one.
CONFIRM_MAX_AGE = timedelta(days=3)
# However often an address is typed in, its inbox gets at most one request every
# ten minutes and three a day.
CONFIRMATION_SPACING = timedelta(minutes=10)
CONFIRMATIONS_PER_DAY = 3


def _subscriber_for(email):
    """The row for ``email``, created if new; a concurrent twin is read back, not doubled."""
    found = Subscriber.objects.by_email(email).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email.strip())
    except IntegrityError:
        return Subscriber.objects.by_email(email).get()


def _may_mail(subscriber, now):
    """Claim one of the address's confirmation mails, if it has one left."""
    if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < (
        CONFIRMATION_SPACING
    ):
        return False
    window = subscriber.confirmations_window_at
    if window is None or now - window >= timedelta(days=1):
        subscriber.confirmations_window_at, subscriber.confirmations_in_window = now, 0
    if subscriber.confirmations_in_window >= CONFIRMATIONS_PER_DAY:
        return False
    subscriber.confirmations_in_window += 1
    subscriber.confirmation_sent_at = now
    return True


def _mail_on_commit(message):
    transaction.on_commit(message.send, robust=True)


def subscriber_request(*, email: str) -> None:
    """Someone asked for new posts at ``email``: mail its owner a confirmation link.

    An address that already gets them is told so instead; one that gets replies only
    still confirms, since a stranger may have typed it.
    """
    with transaction.atomic():
        subscriber = _subscriber_for(email)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        receiving = subscriber.status == Subscriber.Status.SUBSCRIBED
        if not receiving:
            subscriber.status = Subscriber.Status.WAITING
        if not _may_mail(subscriber, timezone.now()):
            subscriber.save()
            logger.info("subscriber %s: confirmation not mailed again so soon", subscriber.pk)
            return
        subscriber.save()
        if receiving and subscriber.follows_posts:
            message = subscriber_message(subscriber, "already_subscribed", {})
        else:
            message = _confirmation(subscriber, POSTS)
        _mail_on_commit(message)


def _confirmation(subscriber, what):
    context = {
        "what": what,
        "confirm_url": confirm_url(subscriber, what),
        "days": CONFIRM_MAX_AGE.days,
    }
    return subscriber_message(subscriber, "confirm", context)


def reply_watch_request(*, comment: Comment) -> None:
    """The writer of ``comment`` ticked "Email me replies": watch it, once confirmed.

    Each watch is confirmed by a link mailed to the address, even an address confirmed
    before (anyone can type it on a comment); spam and trash are never watched, so the
    form cannot be used to mail strangers' addresses.
    """
    if not comment.email or comment.status not in (
        Comment.Status.PENDING,
        Comment.Status.APPROVED,
    ):
        return
    with transaction.atomic():
        subscriber = _subscriber_for(comment.email)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        ReplyWatch.objects.get_or_create(subscriber=subscriber, comment=comment)
        if subscriber.status != Subscriber.Status.SUBSCRIBED:
            subscriber.status = Subscriber.Status.WAITING
        mail = _may_mail(subscriber, timezone.now())
        subscriber.save()
        if mail:
            _mail_on_commit(_confirmation(subscriber, REPLIES))


class ConfirmProblem(Exception):
    """A confirmation link that is forged, expired, or names an address erased since."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Confirmed:
    what: str  # POSTS or REPLIES
    # The owner unsubscribed after this link was mailed: it no longer subscribes.
    is_stale: bool = False


def subscriber_confirm(*, token: str) -> Confirmed:
    """Follow a confirmation link: the address is confirmed, with what it asked for.

    Following it again answers the same and changes nothing; a link mailed before the
    owner last unsubscribed subscribes nothing.
    """
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE.total_seconds())
    except signing.SignatureExpired:
        raise ConfirmProblem("expired") from None
    except signing.BadSignature:
        raise ConfirmProblem("forged") from None
    if (
        not isinstance(payload, dict)
        or payload.get("for") not in (POSTS, REPLIES)
        or not isinstance(payload.get("id"), int)
        or not isinstance(payload.get("at"), int | float)
    ):
        raise ConfirmProblem("forged")
    what = payload["for"]
    mailed_at = datetime.fromtimestamp(payload["at"], tz=UTC)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=payload["id"]).first()
        if subscriber is None:
            raise ConfirmProblem("gone")
        if subscriber.unsubscribed_at and subscriber.unsubscribed_at > mailed_at:
            return Confirmed(what, is_stale=True)
        now = timezone.now()
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.confirmed_at = subscriber.confirmed_at or now
        if what == POSTS:
            subscriber.follows_posts = True
        else:
            # Only the watches this link was mailed for: not one asked for since.
            subscriber.watches.filter(confirmed_at__isnull=True, created_at__lte=mailed_at).update(
                confirmed_at=now
            )
        subscriber.save()
    return Confirmed(what)


def subscriber_unsubscribe(*, token: str) -> None:
    """Stop every email to the address the link was sent to; an unknown link does nothing."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.follows_posts = False
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        subscriber.watches.all().delete()


def subscriber_resubscribe(*, token: str) -> bool:
    """ "Subscribe again" from the unsubscribe page: the link proves the address, so an
    address confirmed before gets new posts again at once. False if it must confirm."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None or subscriber.confirmed_at is None:
            return False
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.follows_posts = True
        subscriber.save()
    return True
