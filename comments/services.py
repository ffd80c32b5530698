"""Actions on comments: submitting one, and moderating them."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from smtplib import SMTPException

from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from comments.authors import author_name
from comments.checks import Decision, Submission, Verdict
from comments.conf import discussion_settings
from comments.models import REASON_MAX, Comment, ModerationMailFailure
from comments.signals import comment_published, comment_submitted
from comments.spam.learning import spam_follow

logger = logging.getLogger(__name__)

# Any fixed number will do; this one spells "comments" on a phone keypad.
SUBMISSION_LOCK_ID = 26636787


@dataclass(frozen=True)
class Outcome:
    """What became of a submission: a saved comment, or a refusal to show the reader."""

    comment: Comment | None = None
    refusal: Decision | None = None


class Discussion(StrEnum):
    OPEN = "open"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"


def discussion_state(target, conf=None):
    """Whether readers may comment on ``target`` now, and if not, why.

    A target gives the moment its discussion opened as ``comments_opened_at`` (a
    system check requires it): None or a time to come means it has not opened yet (a
    draft, say); past the "close after N days" setting it closes. A target may also
    switch comments off with a ``comments_enabled`` attribute.
    """
    conf = conf or discussion_settings()
    if not getattr(target, "comments_enabled", True):
        return Discussion.CLOSED
    opened_at, now = target.comments_opened_at, timezone.now()
    if opened_at is None or opened_at > now:
        return Discussion.NOT_OPEN_YET
    if conf.close_after_days and now >= opened_at + timedelta(days=conf.close_after_days):
        return Discussion.CLOSED
    return Discussion.OPEN


def comments_are_open(target, conf=None):
    """May readers comment on ``target`` now?"""
    return discussion_state(target, conf) == Discussion.OPEN


def _decide(submission, conf):
    """The decision that settles the comment, whose reason the comment keeps."""
    held = approved = None
    for path in conf.checks:
        decision = import_string(path)(submission, conf)
        if decision is None:
            continue
        if decision.verdict in (Verdict.REFUSE, Verdict.SPAM, Verdict.TRASH):
            return decision
        if decision.verdict is Verdict.APPROVE and decision.final:
            return decision
        if decision.verdict is Verdict.HOLD:
            held = held or decision
        elif decision.verdict is Verdict.APPROVE:
            approved = approved or decision
    return held or approved or Decision(Verdict.HOLD, _("Held: no rule published it"))


_STATUS_FOR = {
    Verdict.APPROVE: Comment.Status.APPROVED,
    Verdict.HOLD: Comment.Status.PENDING,
    Verdict.SPAM: Comment.Status.SPAM,
    Verdict.TRASH: Comment.Status.TRASH,
}


def comment_submit(*, submission: Submission, admin_base_url: str) -> Outcome:
    """Run the moderation checks, then save the comment once and queue the moderation mail.

    The checks and the insert share one transaction, taken one submission at a time,
    so two identical comments sent at the same moment cannot both pass the duplicate
    and flood checks.
    """
    conf = discussion_settings()
    with transaction.atomic():
        _serialize_submissions()
        decision = _decide(submission, conf)
        if decision.verdict is Verdict.REFUSE:
            return Outcome(refusal=decision)
        user = submission.user if getattr(submission.user, "is_authenticated", False) else None
        comment = Comment(
            content_type=ContentType.objects.get_for_model(submission.target),
            object_id=submission.target.pk,
            parent=submission.parent,
            user=user,
            # The author signs with the site's name for them, whatever the form said.
            name=author_name(user) if decision.marks_author else submission.name,
            email=submission.email,
            url=submission.url,
            text=submission.text,
            status=_STATUS_FOR[decision.verdict],
            is_author=decision.marks_author,
            moderation_reason=str(decision.reason)[:REASON_MAX],
            ip_address=submission.ip_address,
            user_agent=submission.user_agent[:500],
            **submission.findings,
        )
        comment.full_clean(exclude=["text_html", "content_type", "object_id"])
        comment.save()
        if _should_notify(comment, conf):
            transaction.on_commit(
                lambda: comment_notify_moderators(comment=comment, admin_base_url=admin_base_url),
                robust=True,
            )
        transaction.on_commit(
            lambda: comment_submitted.send(
                sender=Comment, comment=comment, notify_replies=submission.notify_replies
            ),
            robust=True,
        )
        comment_publication_tell(comments=[comment])
    logger.info("comment %s saved as %s (%s)", comment.pk, comment.status, decision.reason)
    return Outcome(comment=comment)


def _serialize_submissions():
    """Let one submission at a time run its checks, so twins cannot both pass them.

    SQLite already does (IMMEDIATE transactions lock at BEGIN); PostgreSQL gets a
    transaction-level advisory lock, released at commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUBMISSION_LOCK_ID])


def _should_notify(comment, conf):
    if comment.is_author:
        return False
    if comment.status == Comment.Status.PENDING:
        return conf.notify_pending
    return comment.status == Comment.Status.APPROVED and conf.notify_approved


def comment_notify_moderators(*, comment: Comment, admin_base_url: str) -> bool:
    """Email the target's moderators about ``comment``; a mail failure is logged, not raised.

    Recipients come from the target's ``comment_moderator_emails()`` when it has one.
    The latest failure is also kept (``ModerationMailFailure``) for the admin to show,
    until a later mail goes through.
    """
    target = comment.target
    recipients = [
        address for address in getattr(target, "comment_moderator_emails", list)() if address
    ]
    if not recipients:
        return False
    links = {
        action: admin_base_url + reverse(f"admin:comments_comment_{action}", args=[comment.pk])
        for action in ("approve", "spam")
    }
    links["change"] = admin_base_url + reverse("admin:comments_comment_change", args=[comment.pk])
    context = {"comment": comment, "target": target, "links": links}
    subject = render_to_string("comments/email/moderation_subject.txt", context).strip()
    body = render_to_string("comments/email/moderation_body.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except (SMTPException, OSError) as error:
        logger.exception("could not email moderators about comment %s", comment.pk)
        ModerationMailFailure.objects.update_or_create(
            pk=ModerationMailFailure.SINGLETON_PK,
            defaults={
                "failed_at": timezone.now(),
                "error": f"{type(error).__name__}: {error}"[:1000],
            },
        )
        return False
    ModerationMailFailure.objects.all().delete()
    return True


def _moderate(comments, status):
    """Set ``status`` on each comment (a queryset or a list), and teach the spam filter.

    ``updated_at`` moves too: it is part of the key of each target's cached thread.
    """
    changed = [comment for comment in comments if comment.status != status]
    if not changed:
        return 0
    Comment.objects.filter(pk__in=[comment.pk for comment in changed]).update(
        status=status, updated_at=timezone.now()
    )
    for comment in changed:
        comment.status = status
    spam_follow(comments=changed)
    comment_publication_tell(comments=changed)
    return len(changed)


def comment_publication_tell(*, comments) -> None:
    """Tell other apps (``comments.signals``) which of ``comments`` are now published,
    once the transaction commits. Every path that approves a comment calls it."""
    published = [comment for comment in comments if comment.status == Comment.Status.APPROVED]
    if published:
        transaction.on_commit(
            lambda: comment_published.send(sender=Comment, comments=published), robust=True
        )


def comment_approve(*, comments) -> int:
    return _moderate(comments, Comment.Status.APPROVED)


def comment_mark_spam(*, comments) -> int:
    return _moderate(comments, Comment.Status.SPAM)


def comment_trash(*, comments) -> int:
    return _moderate(comments, Comment.Status.TRASH)


def comment_restore(*, comments) -> int:
    """Back to the moderation queue, e.g. a comment wrongly marked as spam."""
    return _moderate(comments, Comment.Status.PENDING)


def comment_reply_as_author(*, parent: Comment, author, text: str) -> Comment:
    """The site author's reply from the admin: published at once, badged, threaded.

    Answering a comment approves it too, as WordPress does when replying from its
    moderation screen: a reply under a hidden comment would hang in the air.
    """
    with transaction.atomic():
        if parent.status != Comment.Status.APPROVED:
            comment_approve(comments=[parent])
        reply = Comment(
            content_type_id=parent.content_type_id,
            object_id=parent.object_id,
            parent=parent,
            user=author,
            name=author_name(author),
            email=author.email,
            text=text.strip(),
            status=Comment.Status.APPROVED,
            is_author=True,
        )
        reply.full_clean(exclude=["text_html"])
        reply.save()
        comment_publication_tell(comments=[reply])
    return reply


def comment_author_rename(*, name: str) -> int:
    """Sign every comment marked as the author's with ``name``, e.g. after a rename.

    ``updated_at`` moves on the renamed rows: it keys each target's cached thread.
    """
    if not name.strip():
        raise ValueError("The author's comments need a name to be signed with.")
    return (
        Comment.objects.filter(is_author=True)
        .exclude(name=name)
        .update(name=name, updated_at=timezone.now())
    )
