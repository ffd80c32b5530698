import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Announcement, Subscriber
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers():
    now = timezone.now()
    for n in range(3):
        Subscriber.objects.create(
            email=f"fan{n}@example.com",
            status=Subscriber.Status.SUBSCRIBED,
            follows_posts=True,
            confirmed_at=now,
        )
    Subscriber.objects.create(email="waiting@example.com")
    Subscriber.objects.create(email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)


COUNTS = "3 subscribed to new posts · 1 waiting for confirmation · 1 unsubscribed"


def test_the_admin_home_page_shows_the_subscriber_counts(client, author, subscribers):
    page = client.get(reverse("admin:index")).content.decode()
    assert COUNTS in page


def test_the_subscribers_list_shows_counts_and_finds_an_address(client, author, subscribers):
    url = reverse("admin:subscriptions_subscriber_changelist")
    page = client.get(url).content.decode()
    assert COUNTS in page
    found = client.get(url, {"q": "waiting@"}).content.decode()
    assert "waiting@example.com" in found and "fan0@example.com" not in found


def test_a_posts_announcement_is_listed_with_its_count(client, author):
    post = PostFactory(title="Rocky IV")  # published: announced on creation
    Announcement.objects.filter(post=post).update(sent_count=12)
    page = client.get(reverse("admin:subscriptions_announcement_changelist")).content.decode()
    assert "Rocky IV" in page and ">12<" in page
