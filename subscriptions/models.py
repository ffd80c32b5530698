import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from comments.models import Comment

# The longest address SMTP carries: a 256-octet path less its angle brackets (RFC 5321
# section 4.5.3.1.3, with erratum 1690).
EMAIL_MAX = 254


def new_token():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def by_email(self, email):
        return self.filter(email__iexact=email.strip())

    def receiving_posts(self):
        return self.filter(status=Subscriber.Status.SUBSCRIBED, follows_posts=True)

    def counts(self):
        """What the author sees: post subscribers, addresses waiting, addresses gone."""
        return self.aggregate(
            confirmed=models.Count(
                "pk", filter=models.Q(status=Subscriber.Status.SUBSCRIBED, follows_posts=True)
            ),
            waiting=models.Count("pk", filter=models.Q(status=Subscriber.Status.WAITING)),
            unsubscribed=models.Count(
                "pk", filter=models.Q(status=Subscriber.Status.UNSUBSCRIBED)
            ),
        )


class Subscriber(models.Model):
    """An email address that asked for mail: new posts, replies to its comments, or both.

    Nothing is mailed to it but confirmation requests until its owner follows a
    confirmation link (double opt-in); unsubscribing stops everything.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        SUBSCRIBED = "subscribed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(max_length=EMAIL_MAX, help_text=_("Never shown publicly."))
    status = models.CharField(max_length=12, choices=Status, default=Status.WAITING)
    follows_posts = models.BooleanField(
        _("gets new posts"), default=False, help_text=_("Set once confirmed from the email.")
    )
    # The secret in every unsubscribe link sent to this address.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When confirmation requests were mailed, to keep repeated requests from flooding
    # the inbox (subscriptions.services.CONFIRMATIONS_PER_DAY).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmations_window_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmations_in_window = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email"),
        ]

    def __str__(self):
        return self.email


class ReplyWatch(models.Model):
    """ "Email me replies to my comment": the comment, and the address to tell."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="watches")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Every watch is confirmed from the mailbox, even for a confirmed address: anyone may
    # type that address on a comment, and its owner never asked for replies to that one.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "comment"], name="watch_unique"),
        ]

    def __str__(self):
        return f"{self.subscriber} ← replies to comment {self.comment_id}"


class Announcement(models.Model):
    """A post's email to its subscribers: one row per post, so it goes once, ever."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="announcement")
    queued_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(_("emails sent"), default=0)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self):
        return str(self.post)


class PostDelivery(models.Model):
    """One subscriber's copy of a post's email: a rerun of the fan-out skips it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="post_deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "subscriber"], name="post_delivery_once"),
        ]

    def __str__(self):
        return f"{self.post} → {self.subscriber}"


class ReplyNotice(models.Model):
    """One reply notice to one subscriber: sent once, however often the reply is approved."""

    reply = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="reply_notices"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "subscriber"], name="reply_notice_once"),
        ]

    def __str__(self):
        return f"comment {self.reply_id} → {self.subscriber}"
