import re

from django.core import mail
from django.urls import reverse

LINK = re.compile(r"https?://\S+")


def links_in(message):
    return LINK.findall(message.body)


def confirm_link(message):
    [link] = [link for link in links_in(message) if "/subscribe/confirm/" in link]
    return link


def unsubscribe_link(message):
    [link] = [link for link in links_in(message) if "/subscribe/unsubscribe/" in link]
    return link


def path_of(link, settings):
    return link.removeprefix(settings.MONTAGE_SITE_URL)


def subscribe(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("subscriptions:subscribe"), {"email": email})


def subscribed_reader(client, email, settings, django_capture_on_commit_callbacks):
    """An address subscribed and confirmed by the reader, as the test client; the outbox
    is emptied after."""
    subscribe(client, email, django_capture_on_commit_callbacks)
    client.get(path_of(confirm_link(mail.outbox[-1]), settings))
    mail.outbox.clear()
