from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.options import MAX_DAYS, OPTIONS, between
from comments.text import render_comment_text

NAME_MAX = 245  # WordPress's limits (wp_get_comment_fields_max_lengths).
EMAIL_MAX = 100
URL_MAX = 200
TEXT_MAX = 65525
REASON_MAX = 200


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_target(self, target):
        return self.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )

    def visible_to(self, pending_ids):
        """Approved comments, plus the reader's own pending ones (ids from their cookie)."""
        visible = models.Q(status=Comment.Status.APPROVED)
        if pending_ids:
            visible |= models.Q(status=Comment.Status.PENDING, pk__in=pending_ids)
        return self.filter(visible)

    def by_email(self, email):
        """Everything one person wrote, whatever the case of their address."""
        return self.filter(email__iexact=email.strip())

    def approved_count_for(self, model):
        """An expression counting each row's approved comments, for ``annotate()``.

        A subquery rather than a join, so it adds no rows to other aggregates, and it
        names the content type by label so it costs no query of its own.
        """
        return self.approved()._count_for(model)

    def pending_count_for(self, model):
        """Like ``approved_count_for()``, for the comments awaiting moderation."""
        return self.pending()._count_for(model)

    def _count_for(self, model):
        opts = model._meta
        counts = (
            self.filter(
                content_type__app_label=opts.app_label,
                content_type__model=opts.model_name,
                object_id=OuterRef("pk"),
            )
            .order_by()
            .values("object_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(counts), 0)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    class Kind(models.TextChoices):
        # A pingback or trackback is another site's notice that it linked here
        # (WordPress keeps them among comments, and so do imports from it).
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField(
        max_length=EMAIL_MAX,
        blank=True,
        help_text=_("Never shown publicly. Empty once the commenter's data is erased."),
    )
    url = models.URLField("website", max_length=URL_MAX, blank=True)
    text = models.TextField(max_length=TEXT_MAX)
    text_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COMMENT)
    is_author = models.BooleanField(
        _("by the author"),
        default=False,
        help_text=_("Written by the site's author, shown with a badge."),
    )
    moderation_reason = models.CharField(
        _("on arrival"),
        max_length=REASON_MAX,
        blank=True,
        editable=False,
        help_text=_("The rule that set this comment's status when it arrived."),
    )
    # The spam filter's view on arrival (comments.spam): 0 to 1, and the tokens that
    # moved it most as [token, probability] pairs, strongest first.
    spam_score = models.FloatField(_("spam score"), null=True, blank=True, editable=False)
    spam_clues = models.JSONField(_("spam clues"), default=list, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    # Not auto_now_add: an import keeps each comment's own date.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "status", "created_at"],
                name="comment_thread",
            ),
            models.Index(
                fields=["content_type", "object_id", "status", "updated_at"],
                name="comment_thread_changes",
            ),
            models.Index(fields=["email", "created_at"], name="comment_email_recent"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_recent"),
            models.Index(fields=["status", "spam_score"], name="comment_spam_score"),
        ]

    def __str__(self):
        return _("Comment by %(name)s on %(target)s") % {
            "name": self.name,
            "target": self.target,
        }

    def save(self, *args, **kwargs):
        self.text_html = render_comment_text(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "text_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_linkback(self):
        """Another site's notice that it linked here, not a reader's words."""
        return self.kind != self.Kind.COMMENT

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class DiscussionSettings(models.Model):
    """The author's discussion settings: one row, edited in the admin.

    Each field is one of the author's options in ``comments.options.OPTIONS``: its
    label, help, default and bounds are written here and nowhere else. Until the author
    first saves it, the values come from ``COMMENTS_*`` in Django's settings or the
    environment, else these defaults; ``comments.conf`` reads the row through the cache,
    under the content version, which saving the row moves.
    """

    SINGLETON_PK = 1

    approve_returning_commenters = models.BooleanField(
        _("publish returning commenters at once"),
        default=True,
        help_text=_(
            "A comment from someone whose earlier comment you approved (same name and "
            "email) is published without waiting. Other checks still apply."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        _("hold comments with this many links"),
        default=2,
        validators=between(0, 100),
        help_text=_("Spam carries links. 0 turns this rule off."),
    )
    moderation_words = models.TextField(
        _("hold comments containing"),
        blank=True,
        help_text=_(
            "One word, phrase, email or IP address per line. A comment whose name, email, "
            "website, text, IP address or browser contains one waits for moderation."
        ),
    )
    disallowed_words = models.TextField(
        _("send to the trash comments containing"),
        blank=True,
        help_text=_("One per line, matched like the list above; such comments go to the trash."),
    )
    # SpamBayes's cut-offs (spam_cutoff 0.90, ham_cutoff 0.20), as percentages.
    spam_threshold = models.PositiveSmallIntegerField(
        _("send to spam comments scoring at least (%)"),
        default=90,
        validators=between(1, 100),
        help_text=_(
            "The spam filter scores each comment from 0 (like those you approve) to 100 "
            "(like those you mark as spam)."
        ),
    )
    spam_hold_threshold = models.PositiveSmallIntegerField(
        _("hold comments scoring at least (%)"),
        default=20,
        validators=between(0, 99),
        help_text=_(
            "Below this, the other rules decide. Between the two, the comment waits for you: "
            "the filter is unsure."
        ),
    )
    spam_warmup_decisions = models.PositiveIntegerField(
        _("decisions to learn from before sending anything to spam"),
        default=50,
        validators=between(0, 100000),
        help_text=_(
            "Each approve and spam you make teaches the filter. Until it has learned this "
            "many, it only holds comments, it never sends one to spam or publishes one."
        ),
    )
    spam_approve_trusted = models.BooleanField(
        _("publish a first comment the spam filter trusts"),
        default=False,
        help_text=_(
            "A newcomer's comment scoring below the hold score is published at once, "
            "unless another rule holds it."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        default=0,
        validators=between(0, MAX_DAYS),
        help_text=_("Posts older than this take no new comments. 0 keeps comments open."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("reply depth"),
        default=5,
        validators=between(1, 10),
        help_text=_("How deep replies may nest, from 1 (no replies) to 10."),
    )
    per_page = models.PositiveSmallIntegerField(
        _("threads per page"),
        default=50,
        validators=between(1, 500),
        help_text=_("Top-level comments, with their replies, shown on each comment page."),
    )
    notify_pending = models.BooleanField(
        _("email me when a comment waits for moderation"), default=True
    )
    notify_approved = models.BooleanField(_("email me when a comment is published"), default=False)
    ip_retention_days = models.PositiveIntegerField(
        _("keep IP addresses and browsers for (days)"),
        default=30,
        validators=between(1, MAX_DAYS),
        help_text=_(
            "They help spot spam while a comment is new. Older ones are erased by the "
            "daily clean-up your host runs (see the README)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("discussion settings")

    def __str__(self):
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        hold, spam = self.spam_hold_threshold, self.spam_threshold
        if hold is not None and spam is not None and hold >= spam:
            message = _("Write a score below the spam score (%(spam)d), or nothing is held.")
            raise ValidationError({"spam_hold_threshold": message % {"spam": spam}})

    def as_overrides(self):
        """The row as ``comments.conf.DiscussionConfig`` field values."""
        return {
            option.name: option.from_row(getattr(self, option.name))
            for option in OPTIONS
            if option.in_admin
        }


SETTINGS_CACHE_KEY = "comments:discussion-settings"
# Keyed by the content version, so a change shows at once: the time only bounds memory.
SETTINGS_CACHE_SECONDS = 24 * 3600


class ModerationMailFailure(models.Model):
    """The latest moderation mail that could not be sent, kept until one goes through.

    In the database, so every process (and the admin's home page) sees it, whatever
    the cache backend. One row at most.
    """

    SINGLETON_PK = 1

    failed_at = models.DateTimeField()
    error = models.TextField()

    class Meta:
        verbose_name = _("moderation mail failure")

    def __str__(self):
        return _("Moderation mail could not be sent at %(time)s") % {"time": self.failed_at}

    @classmethod
    def latest(cls):
        return cls.objects.order_by("-failed_at").first()


# The spam filter's tables belong to this app (comments/spam/models.py says what they hold).
from comments.spam.models import SpamLesson, SpamToken  # noqa: E402, F401
