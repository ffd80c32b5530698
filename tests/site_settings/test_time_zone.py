"""Dates on pages follow the time zone chosen in the Site settings, from the next request."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.site_settings.helpers import save_settings

pytestmark = pytest.mark.django_db

# 23:30 on 30 November in London is already 1 December in Tokyo.
LATE_EVENING = datetime.datetime(2025, 11, 30, 23, 30, tzinfo=datetime.UTC)


def _choose_tokyo(client, capture):
    save_settings(client, capture, time_zone="Asia/Tokyo")
    client.logout()


def test_a_post_date_follows_the_site_time_zone(
    client, author, django_capture_on_commit_callbacks
):
    post = PostFactory(published_at=LATE_EVENING)
    assert "30 November 2025" in client.get(post.get_absolute_url()).content.decode()
    _choose_tokyo(client, django_capture_on_commit_callbacks)
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<time datetime="2025-12-01T08:30:00+09:00">1 December 2025</time>' in page


def test_month_archives_start_the_month_in_the_site_time_zone(
    client, author, django_capture_on_commit_callbacks
):
    PostFactory(title="Late in November, UTC", published_at=LATE_EVENING)
    _choose_tokyo(client, django_capture_on_commit_callbacks)
    december = reverse("blog:archive_month", kwargs={"year": 2025, "month": 12})
    assert "Late in November, UTC" in client.get(december).content.decode()


def test_cached_comment_dates_follow_a_new_time_zone(
    client, author, django_capture_on_commit_callbacks
):
    """The thread is cached, but not across a change of zone."""
    post = PostFactory()
    CommentFactory(target=post)
    Comment.objects.update(created_at=LATE_EVENING)
    reader = Client()
    assert "30 November 2025, 23:30" in reader.get(post.get_absolute_url()).content.decode()
    _choose_tokyo(client, django_capture_on_commit_callbacks)
    assert "1 December 2025, 08:30" in reader.get(post.get_absolute_url()).content.decode()


def test_the_zone_applies_to_each_request_and_is_put_back_after_it(
    client, author, django_capture_on_commit_callbacks
):
    _choose_tokyo(client, django_capture_on_commit_callbacks)
    client.get(reverse("blog:home"))
    assert timezone.get_current_timezone_name() == "UTC"
