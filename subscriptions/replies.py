"""Reply notices: "Email me replies to my comment", once a reply is published."""

from django.db import IntegrityError, transaction
from django_tasks import task

from comments.models import Comment
from subscriptions.mail import site_url, subscriber_message
from subscriptions.models import ReplyNotice, Subscriber


@task()
def reply_notices_send(*, comment_id: int) -> int:
    """Tell the writer of the comment that ``comment_id`` answers, if they asked to be.

    Only a published reply is told, never one's own reply, and each notice once.
    """
    reply = Comment.objects.approved().filter(pk=comment_id, parent__isnull=False).first()
    if reply is None:
        return 0
    watchers = (
        Subscriber.objects.filter(
            status=Subscriber.Status.SUBSCRIBED,
            watches__comment_id=reply.parent_id,
            watches__confirmed_at__isnull=False,
        )
        .exclude(email__iexact=reply.email)
        .exclude(reply_notices__reply=reply)
    )
    target = reply.target
    context = {
        "reply": reply,
        "target": target,
        "reply_url": site_url(reply.get_absolute_url()),
    }
    sent = 0
    for subscriber in watchers.distinct():
        message = subscriber_message(subscriber, "reply", context)
        try:
            with transaction.atomic():
                ReplyNotice.objects.create(reply=reply, subscriber=subscriber)
                message.send()
        except IntegrityError:
            continue
        sent += 1
    return sent
