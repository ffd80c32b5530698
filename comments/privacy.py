"""A commenter's data, by email address: everything stored, exported or erased.

Other apps keep data about the same person (a subscription to new posts, say) without
this app knowing them: each lists an exporter and an eraser in the
``COMMENTS_PRIVACY_EXPORTERS`` and ``COMMENTS_PRIVACY_ERASERS`` options, which the
look-up, the export and the erase below include.

The author answers a person's request from the admin (comments.admin), and
``manage.py purge_comment_ips`` forgets addresses and browsers past the retention
window, as DESIGN.md's privacy section asks.
"""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from comments.conf import discussion_settings
from comments.models import Comment
from comments.spam.learning import spam_forget

ANONYMOUS_NAME = "Anonymous"


def person_elsewhere(*, email: str) -> dict:
    """What other apps keep about ``email`` (their exporters'), by what it is."""
    found = {}
    for path in discussion_settings().privacy_exporters:
        found.update(import_string(path)(email=email))
    return found


def person_export(*, email: str) -> dict:
    """All that is stored about the person writing as ``email``, ready for JSON."""
    comments = Comment.objects.by_email(email).select_related("content_type").order_by("pk")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": comment.pk,
                "on": str(comment.target) if comment.target else None,
                "url": comment.get_absolute_url() if comment.target else None,
                "in_reply_to": comment.parent_id,
                "name": comment.name,
                "email": comment.email,
                "website": comment.url,
                "text": comment.text,
                "status": comment.status,
                "moderation_reason": comment.moderation_reason,
                "spam_score": comment.spam_score,
                "spam_clues": comment.spam_clues,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "created_at": comment.created_at.isoformat(),
                "updated_at": comment.updated_at.isoformat(),
            }
            for comment in comments
        ],
        **person_elsewhere(email=email),
    }


def person_erase(*, email: str, delete: bool) -> int:
    """Erase the person writing as ``email``; returns how many comments were affected.

    ``delete=False`` keeps the comments' text in the discussion but strips everything
    that identifies the writer, as WordPress's eraser does; ``delete=True`` removes the
    comments, and with them the replies hanging from them. Either way the spam filter
    unlearns all it learned from them, and never learns those comments again. Other apps' erasers
    (``COMMENTS_PRIVACY_ERASERS``) run either way, in the same transaction.
    """
    with transaction.atomic():
        for path in discussion_settings().privacy_erasers:
            import_string(path)(email=email)
        comments = Comment.objects.by_email(email)
        comment_ids = list(comments.values_list("pk", flat=True))
        _admin_log_forget(comment_ids)
        spam_forget(email=email, comment_ids=comment_ids, keep_comments=not delete)
        if delete:
            count = comments.count()
            comments.delete()
            return count
        return comments.update(
            name=ANONYMOUS_NAME,
            email="",
            url="",
            ip_address=None,
            user_agent="",
            user=None,
            spam_clues=[],  # they may name the writer ("name:…", "site:…")
            updated_at=timezone.now(),
        )


def _admin_log_forget(comment_ids):
    """The admin's "Recent actions" name each comment by its writer: no longer."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Comment),
        object_id__in=[str(pk) for pk in comment_ids],
    ).update(
        object_repr=Concat(
            Value("Comment #"), "object_id", Value(" (writer erased)"), output_field=TextField()
        )
    )


def comment_ips_purge(*, older_than_days: int) -> int:
    """Forget the IP address and browser of comments older than the retention window."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = Comment.objects.filter(created_at__lt=cutoff).exclude(
        ip_address__isnull=True, user_agent=""
    )
    return stale.update(ip_address=None, user_agent="")
