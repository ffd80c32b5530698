import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Subscriber
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SECRET = "private-subscriber@example.com"


def test_no_subscriber_email_appears_in_any_public_page(client):
    """Subscribe pages, the unsubscribe page and the post with its watched comment: no address."""
    subscriber = Subscriber.objects.create(
        email=SECRET,
        status=Subscriber.Status.SUBSCRIBED,
        follows_posts=True,
        confirmed_at=timezone.now(),
    )
    post = PostFactory()
    subscriber.watches.create(comment=CommentFactory(target=post, email=SECRET))
    pages = [
        reverse("blog:home"),
        post.get_absolute_url(),
        reverse("subscriptions:subscribe"),
        reverse("subscriptions:requested"),
        reverse("subscriptions:unsubscribe", args=[subscriber.token]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page
    response = client.post(reverse("subscriptions:subscribe"), {"email": SECRET})
    assert SECRET not in client.get(response["Location"]).content.decode()
