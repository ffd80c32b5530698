from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.cache import thread_changed
from comments.models import Comment


@receiver([post_save, post_delete], sender=Comment, dispatch_uid="comments.thread_changed")
def comment_changed(sender, instance, **kwargs):
    """Any saved or deleted comment makes its target's cached thread stale."""
    thread_changed(instance.content_type_id, instance.object_id)
