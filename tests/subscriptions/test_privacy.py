import json

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.privacy import person_erase, person_export
from subscriptions.models import ReplyWatch, Subscriber
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    found = Subscriber.objects.create(
        email="Adrian@Example.com",
        status=Subscriber.Status.SUBSCRIBED,
        follows_posts=True,
        confirmed_at=timezone.now(),
    )
    comment = CommentFactory(target=PostFactory(), email="adrian@example.com")
    ReplyWatch.objects.create(subscriber=found, comment=comment)
    return found


def test_a_persons_export_includes_their_subscription(subscriber):
    """The comments app's export, by address in any case, carries the subscriber's data."""
    data = person_export(email="adrian@example.com")
    [subscription] = data["subscriptions"]
    assert subscription["email"] == "Adrian@Example.com"
    assert subscription["gets_new_posts"] is True
    assert len(subscription["replies_to_comments"]) == 1
    json.dumps(data)


@pytest.mark.parametrize("delete", [False, True])
def test_erasing_a_person_deletes_their_subscription(subscriber, delete):
    """Whichever way the comments go, the subscription and its watches go entirely."""
    person_erase(email="adrian@example.com", delete=delete)
    assert not Subscriber.objects.exists()
    assert not ReplyWatch.objects.exists()


def test_the_admins_look_up_finds_a_subscriber_without_comments(client, author):
    """An address with only a subscription is found, with its export and erase offered."""
    Subscriber.objects.create(email="quiet@example.com")
    page = client.get(
        reverse("admin:comments_comment_privacy"), {"email": "quiet@example.com"}
    ).content.decode()
    assert "1 subscriptions" in page
    assert "Erase…" in page
    export = client.get(
        reverse("admin:comments_comment_privacy_export"), {"email": "quiet@example.com"}
    )
    assert json.loads(export.content)["subscriptions"][0]["email"] == "quiet@example.com"


def test_the_admins_erase_removes_the_subscriber(client, author):
    Subscriber.objects.create(email="quiet@example.com")
    client.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": "quiet@example.com", "how": "anonymise", "confirmed": "yes"},
    )
    assert not Subscriber.objects.exists()
