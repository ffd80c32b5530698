import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from blog.models import Post, PostTrack, Video
from tests.factories import (
    AlbumFactory,
    DraftFactory,
    PostFactory,
    PostTrackFactory,
    ScheduledFactory,
    StaffFactory,
    TrackFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_posts():
    """Post.objects.published() is the one rule: published status and a due time."""
    live = PostFactory()
    DraftFactory()
    ScheduledFactory()
    DraftFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    assert list(Post.objects.published()) == [live]


def test_is_published_and_is_scheduled_follow_the_same_rule():
    """The instance flags agree with the queryset rule."""
    assert PostFactory().is_published
    scheduled = ScheduledFactory()
    assert not scheduled.is_published and scheduled.is_scheduled
    draft = DraftFactory()
    assert not draft.is_published and not draft.is_scheduled


def test_visible_to_lets_staff_see_everything_and_readers_only_published():
    """Staff see drafts and scheduled posts; other users see what is published."""
    PostFactory(), DraftFactory(), ScheduledFactory()
    assert Post.objects.visible_to(StaffFactory()).count() == 3
    assert Post.objects.visible_to(UserFactory()).count() == 1


def test_saving_renders_the_body_once():
    """The body's sanitized HTML is stored on save, not rendered per request."""
    post = PostFactory(body="A *scene*.")
    assert post.body_html == "<p>A <em>scene</em>.</p>"
    post.body = "Another **scene**."
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert post.body_html == "<p>Another <strong>scene</strong>.</p>"


def test_slug_is_made_from_the_title_when_left_empty():
    """A post saved without a slug gets one from its title."""
    post = PostFactory(title="Rocky training in Russia [Rocky IV]", slug="")
    assert post.slug == "rocky-training-in-russia-rocky-iv"


def test_slugs_are_unique():
    """Two posts cannot share an address."""
    PostFactory(slug="same")
    with pytest.raises(IntegrityError):
        PostFactory(slug="same")


def test_video_stores_provider_id_and_start_parsed_from_its_url():
    """Saving a video keeps what its URL says, parsed once."""
    video = VideoFactory(url="https://youtu.be/dQw4w9WgXcQ?t=1m35s")
    assert (video.provider, video.video_id, video.start_seconds) == ("youtube", "dQw4w9WgXcQ", 95)
    assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?")


def test_video_with_an_unsupported_url_fails_validation_with_a_clear_message():
    """A URL that is neither YouTube nor Vimeo is refused on the url field."""
    video = Video(post=PostFactory(), url="https://example.com/clip.mp4", title="Clip")
    with pytest.raises(ValidationError) as caught:
        video.full_clean()
    assert "Paste a YouTube or Vimeo link" in caught.value.message_dict["url"][0]


def test_track_credits_split_into_performers_and_writers_in_order():
    """A track knows its performers and its writers, each in credited order."""
    from tests.factories import CreditFactory

    track = TrackFactory()
    CreditFactory(track=track, artist__name="John Cafferty", role="performer")
    CreditFactory(track=track, artist__name="Vince DiCola", role="writer", position=1)
    CreditFactory(track=track, artist__name="Joe Esposito", role="writer", position=2)
    assert [a.name for a in track.performers] == ["John Cafferty"]
    assert [a.name for a in track.writers] == ["Vince DiCola", "Joe Esposito"]


def test_chart_peak_needs_both_chart_and_position():
    """A chart position without a chart (or the reverse) is a validation error."""
    album = AlbumFactory.build(chart_position=10, chart_name="")
    with pytest.raises(ValidationError):
        album.full_clean()
    album.chart_name = "Billboard 200"
    album.full_clean()
    assert album.chart_peak == "No. 10 on the Billboard 200"


def test_soundtrack_entry_cannot_point_at_another_posts_video():
    """A track's “plays in” video must be one of the post's own videos."""
    entry = PostTrackFactory.build(post=PostFactory(), track=TrackFactory(), video=VideoFactory())
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "video" in caught.value.message_dict


def test_a_track_appears_once_per_soundtrack():
    """The same track cannot be listed twice in one post's soundtrack."""
    entry = PostTrackFactory()
    with pytest.raises(IntegrityError):
        PostTrack.objects.create(post=entry.post, track=entry.track, position=9)
