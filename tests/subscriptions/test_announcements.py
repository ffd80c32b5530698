import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from freezegun import freeze_time

from blog.models import Post
from subscriptions.announcements import post_announcement_send
from subscriptions.models import Announcement, Subscriber
from tests.factories import DraftFactory, PostFactory, ScheduledFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_in_test_transaction(monkeypatch):
    """The worker keeps the test's connection: between tasks it closes connections left
    outside autocommit, as the test's own is (on PostgreSQL, for real)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _work_at(moment, capture):
    """Run the task worker as it would at ``moment``, and the tasks those tasks queue."""
    with freeze_time(moment):
        for _round in range(2):
            with capture(execute=True):
                call_command("db_worker", batch=True, interval=0, verbosity=0)


def _subscriber(email="reader@example.com", **fields):
    defaults = {
        "status": Subscriber.Status.SUBSCRIBED,
        "follows_posts": True,
        "confirmed_at": timezone.now(),
    }
    return Subscriber.objects.create(email=email, **{**defaults, **fields})


def _publish(post, when=None, *, capture):
    post.status = Post.Status.PUBLISHED
    post.published_at = when or timezone.now()
    with capture(execute=True):
        post.save()


def test_publishing_a_post_emails_each_confirmed_subscriber_once(
    django_capture_on_commit_callbacks, settings
):
    """Subject is the title; the text has the lead, the post's link and an unsubscribe link."""
    settings.MONTAGE_SITE_URL = "https://montage.example"
    settings.MONTAGE_SITE_TITLE = "Montage Blog"
    reader = _subscriber()
    _subscriber("waiting@example.com", status=Subscriber.Status.WAITING, follows_posts=False)
    _subscriber("gone@example.com", status=Subscriber.Status.UNSUBSCRIBED, follows_posts=False)
    _subscriber("replies-only@example.com", follows_posts=False)
    post = DraftFactory(title="Rocky & Drago's training", lead="Drago's lab & Rocky's barn.")
    _publish(post, capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [reader.email]
    assert message.subject == "Rocky & Drago's training"
    assert message.from_email.startswith('"Montage Blog" <') or message.from_email.startswith(
        "Montage Blog <"
    )
    assert "Drago's lab & Rocky's barn." in message.body
    assert f"https://montage.example{post.get_absolute_url()}" in message.body
    assert f"https://montage.example/subscribe/unsubscribe/{reader.token}/" in message.body


def test_editing_and_republishing_a_post_never_sends_it_again(
    django_capture_on_commit_callbacks,
):
    """Publish, edit, unpublish, publish again: still one email."""
    _subscriber()
    post = DraftFactory()
    _publish(post, capture=django_capture_on_commit_callbacks)
    post.title = "A better title"
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    post.status = Post.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    _publish(post, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert Announcement.objects.get().post == post


def test_a_post_public_before_is_never_announced_by_a_later_edit(
    django_capture_on_commit_callbacks,
):
    """Posts readers could already see (say, from before subscriptions) stay unannounced."""
    post = PostFactory()
    Announcement.objects.all().delete()
    _subscriber()
    post.title = "Edited"
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert mail.outbox == []
    assert not Announcement.objects.exists()


def test_drafts_and_private_posts_are_never_announced(django_capture_on_commit_callbacks):
    _subscriber()
    with django_capture_on_commit_callbacks(execute=True):
        DraftFactory()
        PostFactory(status=Post.Status.PRIVATE)
    assert mail.outbox == []


def test_a_rerun_of_the_fan_out_sends_no_copy_twice(django_capture_on_commit_callbacks):
    """A retried task skips whoever has the post already, and mails only the newcomer."""
    _subscriber("first@example.com")
    post = DraftFactory()
    _publish(post, capture=django_capture_on_commit_callbacks)
    _subscriber("second@example.com")
    post_announcement_send.enqueue(post_id=post.pk)
    post_announcement_send.enqueue(post_id=post.pk)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.com",
        "second@example.com",
    ]
    assert Announcement.objects.get().sent_count == 2


def test_a_scheduled_post_is_announced_when_it_falls_due(
    settings, django_capture_on_commit_callbacks, worker_in_test_transaction
):
    """Saved for later, its email is queued for its publish time and sent by the worker then."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _subscriber()
    due = timezone.now() + datetime.timedelta(hours=2)
    post = DraftFactory()
    _publish(post, due, capture=django_capture_on_commit_callbacks)
    _work_at(timezone.now(), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _work_at(due + datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == post.title


def test_a_scheduled_post_moved_later_is_announced_at_its_new_time_only(
    settings, django_capture_on_commit_callbacks, worker_in_test_transaction
):
    """The task of the old time checks again, finds it not yet due and sends nothing."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _subscriber()
    first = timezone.now() + datetime.timedelta(hours=2)
    later = first + datetime.timedelta(days=1)
    post = ScheduledFactory(status=Post.Status.DRAFT)
    _publish(post, first, capture=django_capture_on_commit_callbacks)
    _publish(post, later, capture=django_capture_on_commit_callbacks)
    _work_at(first + datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _work_at(later + datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_scheduled_post_unpublished_before_its_time_is_never_announced(
    settings, django_capture_on_commit_callbacks, worker_in_test_transaction
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _subscriber()
    due = timezone.now() + datetime.timedelta(hours=2)
    post = DraftFactory()
    _publish(post, due, capture=django_capture_on_commit_callbacks)
    post.status = Post.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    _work_at(due + datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert mail.outbox == []
