from django import template

from comments.models import Comment, ModerationMailFailure

register = template.Library()


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()


@register.simple_tag
def moderation_mail_failure():
    """The latest moderation mail that could not be sent, or None since one went through."""
    return ModerationMailFailure.latest()
