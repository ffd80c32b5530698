"""Where the blog and the comments app meet this one, which neither of them knows.

A post that becomes visible to readers is announced (``subscriptions.announcements``):
what a save changed is read before it (``pre_save``), since a post that readers could
already see before the save is never announced by it. The comments app says when a
comment is submitted and when comments are published (``comments.signals``).
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from comments.signals import comment_published, comment_submitted
from subscriptions.announcements import post_announce, post_announce_when_due
from subscriptions.replies import reply_notices_send
from subscriptions.services import reply_watch_request


@receiver(pre_save, sender=Post, dispatch_uid="subscriptions.post_before")
def post_before_save(sender, instance, raw, **kwargs):
    """Note whether readers could see the post, and when it was due, before this save."""
    before = None
    if not raw and instance.pk is not None:
        before = Post.objects.filter(pk=instance.pk).values("status", "published_at").first()
    instance._before_save = before


@receiver(post_save, sender=Post, dispatch_uid="subscriptions.post_after")
def post_after_save(sender, instance, raw, **kwargs):
    """Announce a post this save made visible; schedule one it scheduled (or moved)."""
    if raw or instance.status != Post.Status.PUBLISHED:
        return
    before = getattr(instance, "_before_save", None)
    was_public = (
        before is not None
        and before["status"] == Post.Status.PUBLISHED
        and before["published_at"] <= timezone.now()
    )
    if was_public:
        return
    if instance.is_published:
        post_announce(post=instance)
        return
    timing = {"status": instance.status, "published_at": instance.published_at}
    if before != timing:
        transaction.on_commit(lambda: post_announce_when_due(post=instance), robust=True)


@receiver(comment_submitted, sender=Comment, dispatch_uid="subscriptions.comment_submitted")
def comment_was_submitted(sender, comment, notify_replies, **kwargs):
    if notify_replies:
        reply_watch_request(comment=comment)


@receiver(comment_published, sender=Comment, dispatch_uid="subscriptions.comment_published")
def comments_were_published(sender, comments, **kwargs):
    for comment in comments:
        if comment.parent_id is not None:
            reply_notices_send.enqueue(comment_id=comment.pk)
