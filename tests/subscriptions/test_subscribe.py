import pytest
from django.core import mail, signing
from django.urls import reverse
from freezegun import freeze_time

from subscriptions.mail import CONFIRM_SALT, confirm_token
from subscriptions.models import Subscriber
from tests.blog.test_pages import VERSION_QUERIES
from tests.subscriptions.helpers import (
    confirm_link,
    path_of,
    subscribe,
    subscribed_reader,
    unsubscribe_link,
)

pytestmark = pytest.mark.django_db


def test_a_reader_subscribes_with_only_an_email_address_and_confirms_from_the_email(
    client, settings, django_capture_on_commit_callbacks
):
    """The form takes an address, the email's link confirms it, and the page says so."""
    page = client.get(reverse("subscriptions:subscribe"))
    assert 'name="email"' in page.content.decode()
    response = subscribe(client, "rocky@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:requested")
    [message] = mail.outbox
    assert message.to == ["rocky@example.com"]
    assert Subscriber.objects.get().status == Subscriber.Status.WAITING
    confirmed = client.get(path_of(confirm_link(message), settings))
    assert "You're subscribed" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.SUBSCRIBED and subscriber.follows_posts


def test_nothing_but_the_confirmation_is_mailed_before_the_link_is_followed(
    client, django_capture_on_commit_callbacks
):
    """A waiting address gets no post: only a confirmed one receives mail."""
    subscribe(client, "rocky@example.com", django_capture_on_commit_callbacks)
    assert not Subscriber.objects.receiving_posts().exists()


def test_known_and_unknown_addresses_get_the_same_answer(
    client, settings, django_capture_on_commit_callbacks
):
    """A stranger learns nothing: a subscribed address is answered like a new one."""
    subscribed_reader(client, "known@example.com", settings, django_capture_on_commit_callbacks)
    known = subscribe(client, "known@example.com", django_capture_on_commit_callbacks)
    unknown = subscribe(client, "new@example.com", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    followed_known = client.get(known["Location"])
    followed_unknown = client.get(unknown["Location"])
    assert followed_known.content == followed_unknown.content


def test_a_subscribed_address_is_told_it_already_gets_the_posts(
    client, settings, django_capture_on_commit_callbacks
):
    """Only the inbox learns the address is known, and gets no second subscription."""
    with freeze_time("2026-12-01 08:00") as clock:
        subscribed_reader(
            client, "known@example.com", settings, django_capture_on_commit_callbacks
        )
        clock.tick(3600)
        subscribe(client, "KNOWN@example.com", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "already" in message.subject
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("not an address", "Enter an email address like name@example.com."),
        ("", "Enter your email address."),
        ("a" * 250 + "@example.com", "at most 254 characters"),
        ("x@" + "b" * 5000 + ".com", "at most 254 characters"),
    ],
)
def test_a_bad_or_huge_address_is_a_form_error_keeping_what_was_typed(
    client, typed, error, django_capture_on_commit_callbacks
):
    """The form comes back with the error, the title saying so, and the address typed."""
    response = subscribe(client, typed, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 400
    assert error in page
    assert "<title>Error:" in page
    assert f'value="{typed}"' in page or not typed
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


def test_repeated_requests_for_one_address_do_not_flood_its_inbox(
    client, django_capture_on_commit_callbacks
):
    """Ten requests in a row mail one confirmation; three a day at the most."""
    with freeze_time("2026-12-01 08:00") as clock:
        for _ in range(10):
            subscribe(client, "target@example.com", django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1
        for _ in range(10):
            clock.tick(11 * 60)
            subscribe(client, "target@example.com", django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 3
        clock.tick(24 * 3600)
        subscribe(client, "target@example.com", django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 4


def test_a_replayed_confirmation_link_changes_nothing_and_answers_the_same(
    client, settings, django_capture_on_commit_callbacks
):
    """Following the link twice subscribes once, with the same page."""
    subscribe(client, "rocky@example.com", django_capture_on_commit_callbacks)
    link = path_of(confirm_link(mail.outbox[0]), settings)
    first, second = client.get(link), client.get(link)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Subscriber.objects.receiving_posts().count() == 1


def test_a_confirmation_link_older_than_an_unsubscribe_subscribes_nothing(
    client, settings, django_capture_on_commit_callbacks
):
    """Replaying the old link after unsubscribing does not sign the reader up again."""
    subscribe(client, "rocky@example.com", django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    client.get(path_of(confirm_link(message), settings))
    client.post(path_of(unsubscribe_link(message), settings))
    replay = client.get(path_of(confirm_link(message), settings))
    assert replay.status_code == 200
    assert "older than your unsubscribe" in replay.content.decode()
    assert not Subscriber.objects.receiving_posts().exists()


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"id": 1, "for": "posts", "at": 0}, salt="another-salt"),
        signing.dumps(["not", "a", "dict"], salt=CONFIRM_SALT),
        signing.dumps({"id": "1", "for": "posts", "at": 0}, salt=CONFIRM_SALT),
        signing.dumps({"id": 10**6, "for": "posts", "at": 0}, salt=CONFIRM_SALT),
        "x" * 5000,
    ],
    # Named, not shown: a signed token carries its signing time, which differs between
    # the pytest-xdist workers that must collect the same tests.
    ids=["forged", "other-salt", "not-a-dict", "text-id", "unknown-id", "huge"],
)
def test_a_forged_confirmation_link_gets_a_clear_page(client, token):
    """Tampered, altered or unknown: a 400 page that says the link does not work."""
    response = client.get(reverse("subscriptions:confirm", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_an_expired_confirmation_link_gets_a_clear_page(client):
    """A link past its days asks for a new one, and confirms nothing."""
    subscriber = Subscriber.objects.create(email="late@example.com")
    with freeze_time("2026-11-01 08:00"):
        token = confirm_token(subscriber, "posts")
    with freeze_time("2026-11-10 08:00"):
        response = client.get(reverse("subscriptions:confirm", args=[token]))
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.WAITING


def test_the_subscribe_page_is_linked_from_every_page_footer(client):
    """Readers find the form: the footer of every page links it."""
    page = client.get(reverse("blog:home")).content.decode()
    assert f'href="{reverse("subscriptions:subscribe")}"' in page


def test_the_subscribe_page_costs_only_the_content_version(client, django_assert_num_queries):
    """The form page reads nothing but the content version (the site-wide parts are cached)."""
    client.get(reverse("subscriptions:subscribe"))
    with django_assert_num_queries(VERSION_QUERIES):
        client.get(reverse("subscriptions:subscribe"))
