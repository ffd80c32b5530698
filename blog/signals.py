"""Derived files: what goes with a post's or picture's row when it is deleted.

Cached pages need no receivers: the database moves the content version on every write
(``freshness``).
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from blog.models import Picture, Post


@receiver(post_delete, sender=Post, dispatch_uid="blog.poster_files")
@receiver(post_delete, sender=Picture, dispatch_uid="blog.picture_files")
def image_owner_deleted(sender, instance, **kwargs):
    """A deleted post's poster, or a deleted picture, takes its files with it (derived
    files), also when the row goes in a cascade or a queryset's delete()."""
    instance.delete_files()
