import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from subscriptions.models import ReplyWatch, Subscriber
from tests.factories import CommentFactory, PostFactory
from tests.subscriptions.helpers import path_of, subscribed_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, settings, django_capture_on_commit_callbacks):
    subscribed_reader(client, "rocky@example.com", settings, django_capture_on_commit_callbacks)
    return Subscriber.objects.get()


def _page(response):
    """The page's text, less its CSRF token (masked anew on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _unsubscribe_path(subscriber):
    return reverse("subscriptions:unsubscribe", args=[subscriber.token])


def test_a_mail_clients_one_click_post_unsubscribes_without_csrf_or_login(reader):
    """RFC 8058: a bare POST of List-Unsubscribe=One-Click, no cookie, no token, stops mail."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_unsubscribe_path(reader), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert not Subscriber.objects.receiving_posts().exists()


def test_the_link_in_the_email_unsubscribes_at_once_and_offers_to_come_back(reader):
    """A GET of the link: no second step, a page saying it is done, a way back."""
    response = Client().get(_unsubscribe_path(reader))
    page = response.content.decode()
    assert "You're unsubscribed" in page
    assert "Subscribe again" in page
    assert not Subscriber.objects.receiving_posts().exists()


def test_unsubscribing_twice_answers_the_same_page(reader):
    """Someone already gone sees the same page, and nothing breaks."""
    first = Client().get(_unsubscribe_path(reader))
    second = Client().post(_unsubscribe_path(reader))
    assert first.status_code == second.status_code == 200
    assert _page(first) == _page(second)


def test_an_unknown_unsubscribe_link_answers_the_same_page(reader):
    """A made-up token is answered like a real one: it reveals nothing, and is no 404."""
    known = _page(Client().get(_unsubscribe_path(reader)))
    unknown = Client().get(reverse("subscriptions:unsubscribe", args=["made-up"]))
    assert unknown.status_code == 200
    assert _page(unknown) == known.replace(reader.token, "made-up")


def test_subscribing_again_from_the_unsubscribe_page_restores_new_posts(reader):
    """The button brings the posts back at once: the address was confirmed before."""
    client = Client()
    client.get(_unsubscribe_path(reader))
    response = client.post(reverse("subscriptions:resubscribe", args=[reader.token]))
    assert "subscribed again" in response.content.decode()
    assert Subscriber.objects.receiving_posts().get() == reader


def test_subscribing_again_with_an_unknown_link_goes_to_the_form(client):
    response = client.post(reverse("subscriptions:resubscribe", args=["made-up"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:subscribe")


def test_unsubscribing_stops_reply_notices_too(reader):
    """Every email from the site stops: the comments it watched are forgotten."""
    ReplyWatch.objects.create(subscriber=reader, comment=CommentFactory(target=PostFactory()))
    Client().get(_unsubscribe_path(reader))
    assert not ReplyWatch.objects.exists()


def test_the_confirmation_email_can_stop_further_requests(
    client, settings, django_capture_on_commit_callbacks
):
    """Someone who never asked unsubscribes from the confirmation mail itself."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("subscriptions:subscribe"), {"email": "stranger@example.com"})
    [message] = mail.outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    Client().post(path_of(unsubscribe, settings))
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
