import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from blog.models import Post
from comments.services import comment_approve
from subscriptions.models import Subscriber
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, DraftFactory, PostFactory
from tests.subscriptions.helpers import subscribe, unsubscribe_link

pytestmark = pytest.mark.django_db


def _every_kind_of_email(client, settings, capture):
    """A confirmation, an "already subscribed" note, a new post and a reply notice."""
    settings.COMMENTS_CHECKS = []
    with freeze_time("2026-12-01 08:00") as clock:
        subscribe(client, "rocky@example.com", capture)
        subscriber = Subscriber.objects.get()
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.SUBSCRIBED, follows_posts=True, confirmed_at=timezone.now()
        )
        clock.tick(3600)
        subscribe(client, "rocky@example.com", capture)
    post = DraftFactory()
    post.status = Post.Status.PUBLISHED
    with capture(execute=True):
        post.save()
    parent = CommentFactory(target=PostFactory(), email="rocky@example.com")
    subscriber.watches.create(comment=parent, confirmed_at=timezone.now())
    with capture(execute=True):
        Client().post(comment_endpoint(), comment_data(parent.target, parent=str(parent.pk)))
    with capture(execute=True):
        comment_approve(comments=[parent.replies.get()])
    return subscriber


def test_every_email_carries_a_one_click_unsubscribe(
    client, settings, django_capture_on_commit_callbacks
):
    """RFC 8058's two headers, naming the unsubscribe URL, and the same link in the text."""
    settings.MONTAGE_SITE_URL = "https://montage.example"
    subscriber = _every_kind_of_email(client, settings, django_capture_on_commit_callbacks)
    url = f"https://montage.example/subscribe/unsubscribe/{subscriber.token}/"
    subjects = [message.subject for message in mail.outbox]
    assert len(mail.outbox) == 4, subjects
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe_link(message) == url
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
