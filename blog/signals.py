"""Keep ``Post.updated_at`` honest: a change to anything a post page shows moves it.

The rendered article is cached under the post's ``updated_at`` (``blog.views``), so
these receivers are what refreshes it, in every process, when a video, a track or its
credits change: derived data, the one job signals have here.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Album, Artist, Credit, Post, PostDetail, PostTrack, Track, Video


def _touch(posts):
    posts.update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Video, dispatch_uid="blog.touch.video")
@receiver([post_save, post_delete], sender=PostTrack, dispatch_uid="blog.touch.posttrack")
@receiver([post_save, post_delete], sender=PostDetail, dispatch_uid="blog.touch.detail")
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


@receiver(post_save, sender=Artist, dispatch_uid="blog.touch.artist")
def artist_changed(sender, instance, **kwargs):
    _touch(Post.objects.filter(soundtrack__track__credits__artist_id=instance.pk))
