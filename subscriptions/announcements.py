"""A post's email to its subscribers, sent once when readers can first see the post.

A save that publishes a post announces it at once; a scheduled post is announced by a
task queued to run at its publish time, which checks again then (the time may have
moved, the post been unpublished). ``Announcement`` has one row per post, so editing,
unpublishing and republishing never send it again, and ``PostDelivery`` one row per
post and subscriber, so a fan-out run again (a retry after a failure) skips whoever
already has it.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from blog.models import Post
from subscriptions.mail import site_url, subscriber_message
from subscriptions.models import Announcement, PostDelivery, Subscriber

logger = logging.getLogger(__name__)


def post_announce(*, post: Post) -> bool:
    """Queue ``post``'s email to every subscriber, unless it was queued before."""
    with transaction.atomic():
        _announcement, created = Announcement.objects.get_or_create(post=post)
    if created:
        transaction.on_commit(lambda: post_announcement_send.enqueue(post_id=post.pk), robust=True)
    return created


def post_announce_when_due(*, post: Post) -> None:
    """Queue the announcement of a scheduled post for its publish time."""
    backend = post_announce_if_due.get_backend()
    if backend.supports_defer:
        post_announce_if_due.using(run_after=post.published_at).enqueue(post_id=post.pk)
    else:
        logger.warning(
            "The task backend %s cannot run a task later: scheduled post %s will not be "
            "announced by email when it falls due.",
            type(backend).__name__,
            post.pk,
        )


@task()
def post_announce_if_due(*, post_id: int) -> bool:
    """At a scheduled post's publish time: announce it, if readers can see it now."""
    post = Post.objects.published().filter(pk=post_id).first()
    if post is None:
        return False  # Moved later (a later task is queued) or unpublished.
    return post_announce(post=post)


@task()
def post_announcement_send(*, post_id: int) -> int:
    """Mail the post to each confirmed subscriber who has not had it; returns how many."""
    post = Post.objects.published().filter(pk=post_id).first()
    if post is None:
        return 0
    post_url = site_url(post.get_absolute_url())
    recipients = Subscriber.objects.receiving_posts().exclude(post_deliveries__post=post)
    sent = 0
    for subscriber in recipients.order_by("pk").iterator():
        message = subscriber_message(subscriber, "new_post", {"post": post, "post_url": post_url})
        try:
            with transaction.atomic():
                PostDelivery.objects.create(post=post, subscriber=subscriber)
                message.send()
        except IntegrityError:
            continue  # A concurrent run got there first.
        sent += 1
    Announcement.objects.filter(post=post).update(
        finished_at=timezone.now(), sent_count=PostDelivery.objects.filter(post=post).count()
    )
    return sent
