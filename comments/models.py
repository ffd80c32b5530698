from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from comments.text import render_comment_text

NAME_MAX = 245  # WordPress's limits (wp_get_comment_fields_max_lengths).
EMAIL_MAX = 100
URL_MAX = 200
TEXT_MAX = 65525


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

    def thread_stamp_for(self, model):
        """Annotations a host adds to its own query to pass ``stamp=`` to comment_section.

        ``comment_count`` and ``comments_changed_at`` key the cached thread, so a page
        that reads them with its object spends no query of its own on them.
        """
        opts = model._meta
        approved = self.approved().filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=OuterRef("pk"),
        )
        latest = approved.order_by("-updated_at").values("updated_at")[:1]
        return {
            "comment_count": self.approved_count_for(model),
            "comments_changed_at": Subquery(latest),
        }


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

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
    is_author = models.BooleanField(
        default=False, help_text=_("Written by the site's author, shown with a badge.")
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
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
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
