"""Keep ``Post.updated_at`` honest: a change to anything a post page shows moves it.

Post pages cache their parts under the publication epoch (``blog.post_page``), which
reads the latest ``updated_at``, so these receivers are what refreshes them, in every
process, when a video, track, credit, album, tag, detail or link changes: derived
data, the one job signals have here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from blog.models import (
    Album,
    Artist,
    Credit,
    Picture,
    Post,
    PostDetail,
    PostLink,
    PostTrack,
    Track,
    Video,
)


def _touch(posts):
    posts.update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Video, dispatch_uid="blog.touch.video")
@receiver([post_save, post_delete], sender=PostTrack, dispatch_uid="blog.touch.posttrack")
@receiver([post_save, post_delete], sender=PostDetail, dispatch_uid="blog.touch.detail")
@receiver([post_save, post_delete], sender=PostLink, dispatch_uid="blog.touch.link")
def post_part_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(pk=instance.post_id))


@receiver([post_save, post_delete], sender=Track, dispatch_uid="blog.touch.track")
def track_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(soundtrack__track_id=instance.pk))


@receiver([post_save, post_delete], sender=Credit, dispatch_uid="blog.touch.credit")
def credit_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(soundtrack__track_id=instance.track_id))


@receiver(post_save, sender=Album, dispatch_uid="blog.touch.album")
def album_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(soundtrack__track__album_id=instance.pk))


# Deleting an album or a tag unlinks its posts before post_delete, so the posts to
# refresh are noted just before and touched just after.
@receiver(pre_delete, sender=Album, dispatch_uid="blog.note.album")
def album_deleting(sender, instance, **kwargs):
    instance.shown_on = list(
        Post.objects.filter(soundtrack__track__album_id=instance.pk).values_list("pk", flat=True)
    )


@receiver(pre_delete, sender=Tag, dispatch_uid="blog.note.tag")
def tag_deleting(sender, instance, **kwargs):
    instance.shown_on = list(Post.objects.filter(tags=instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Album, dispatch_uid="blog.touch.album_deleted")
@receiver(post_delete, sender=Tag, dispatch_uid="blog.touch.tag_deleted")
def album_or_tag_deleted(sender, instance, **kwargs):
    _touch(Post.objects.filter(pk__in=getattr(instance, "shown_on", [])))


@receiver(post_save, sender=Artist, dispatch_uid="blog.touch.artist")
def artist_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(soundtrack__track__credits__artist_id=instance.pk))


@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="blog.touch.tags")
def tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action.startswith("post_") and isinstance(instance, Post):
        _touch(Post.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Tag, dispatch_uid="blog.touch.tag")
def tag_renamed(sender, instance, **kwargs):
    _touch(Post.objects.filter(tags=instance))


@receiver(post_delete, sender=Post, dispatch_uid="blog.poster_files")
@receiver(post_delete, sender=Picture, dispatch_uid="blog.picture_files")
def image_owner_deleted(sender, instance, **kwargs):
    """A deleted post's poster, or a deleted picture, takes its files with it (derived
    files), also when the row goes in a cascade or a queryset's delete()."""
    instance.delete_files()
