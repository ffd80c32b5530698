"""The mail a subscriber gets, each with a one-click unsubscribe (RFC 8058).

Links are absolute from ``settings.MONTAGE_SITE_URL``: much of this mail is sent by the
task worker, with no request to read the site's address from.
"""

from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from site_settings.conf import site_settings

CONFIRM_SALT = "subscriptions.confirm"
POSTS, REPLIES = "posts", "replies"


def site_url(path):
    return f"{settings.MONTAGE_SITE_URL}{path}"


def unsubscribe_url(subscriber):
    return site_url(reverse("subscriptions:unsubscribe", args=[subscriber.token]))


def confirm_token(subscriber, what):
    """A signed note of which address asked for what, and when (the signature expires)."""
    payload = {"id": subscriber.pk, "for": what, "at": timezone.now().timestamp()}
    return signing.dumps(payload, salt=CONFIRM_SALT)


def confirm_url(subscriber, what):
    return site_url(reverse("subscriptions:confirm", args=[confirm_token(subscriber, what)]))


def subscriber_message(subscriber, template, context):
    """The email rendered from ``subscriptions/email/<template>_{subject,body}.txt``.

    It comes from the site's title, and carries the RFC 8058 headers, so a mail client
    offers an Unsubscribe button that works in one click (a POST to the link).
    """
    site = site_settings()
    unsubscribe = unsubscribe_url(subscriber)
    context = {**context, "site_title": site.title, "unsubscribe_url": unsubscribe}
    subject = render_to_string(f"subscriptions/email/{template}_subject.txt", context)
    body = render_to_string(f"subscriptions/email/{template}_body.txt", context)
    return EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=formataddr((site.title, settings.DEFAULT_FROM_EMAIL)),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
