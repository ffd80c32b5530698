"""The Redis cache while Redis is down: a miss, never an error (montage/cache.py)."""

import logging
import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient

from comments.models import Comment
from montage import cache as degrading
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import PostFactory

# A port of this checkout's range that nothing listens on: connections are refused.
NOBODY_LISTENS = "redis://127.0.0.1:8999/1"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "montage.cache.DegradingRedisCache", "LOCATION": NOBODY_LISTENS}
    }


def test_settings_choose_the_degrading_cache_for_a_redis_url():
    """CACHE_URL=redis://... is served by the cache that survives Redis going away."""
    from montage.settings import _cache_from_url

    assert _cache_from_url("redis://127.0.0.1:6379/1")["BACKEND"] == (
        "montage.cache.DegradingRedisCache"
    )


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(redis_down):
    """Every call answers as an empty cache would, quickly."""
    started = time.monotonic()
    cache.set("key", "value")
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", "value") is False
    assert cache.get_many(["key", "other"]) == {}
    assert cache.set_many({"key": "value"}) == []
    assert cache.has_key("key") is False
    assert cache.delete("key") is False
    cache.delete_many(["key"])
    assert cache.touch("key") is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert time.monotonic() - started < 1


def test_after_a_failure_redis_is_left_alone_for_a_moment(redis_down, monkeypatch):
    """A Redis that hangs costs one call its timeout, not every call of every request."""
    tries = []
    real_get = RedisCacheClient.get

    def counted(self, *args):
        tries.append(args)
        return real_get(self, *args)

    monkeypatch.setattr(RedisCacheClient, "get", counted)
    for _ in range(5):
        cache.get("key")
    assert len(tries) == 1
    monkeypatch.setattr(degrading, "RETRY_AFTER_SECONDS", 0)
    cache.set("key", "value")  # fails again, now with no pause after it
    cache.get("key")
    assert len(tries) == 2


def test_an_outage_is_logged_once_not_on_every_call(redis_down, monkeypatch, caplog):
    """One warning when Redis goes, naming it; none for the calls that follow."""
    monkeypatch.setattr(degrading, "RETRY_AFTER_SECONDS", 0)
    with caplog.at_level(logging.WARNING, logger="montage.cache"):
        for _ in range(5):
            cache.get("key")
    assert [record.getMessage() for record in caplog.records] == [
        f"cache: Redis at {NOBODY_LISTENS} unreachable (ConnectionError): "
        "serving without the cache"
    ]


def test_redis_answering_again_is_logged(redis_down, monkeypatch, caplog):
    """When a call goes through after an outage, the log says Redis is back."""
    cache.get("key")
    monkeypatch.setattr(degrading, "RETRY_AFTER_SECONDS", 0)
    monkeypatch.setattr(RedisCacheClient, "get", lambda self, key, default: "cached")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="montage.cache"):
        assert cache.get("key") == "cached"
        assert cache.get("key") == "cached"
    assert [record.getMessage() for record in caplog.records] == [
        f"cache: Redis at {NOBODY_LISTENS} answers again"
    ]


@pytest.mark.django_db
def test_pages_are_served_uncached_while_redis_is_down(client, redis_down):
    """The home page and a post page render from the database."""
    post = PostFactory(title="Served without Redis")
    assert "Served without Redis" in client.get("/").content.decode()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Served without Redis" in response.content.decode()


@pytest.mark.django_db
def test_a_comment_is_taken_while_redis_is_down(client, redis_down):
    """The flood and duplicate checks count stored comments, so they need no cache."""
    post = PostFactory()
    response = client.post(comment_endpoint(), comment_data(post, text="Still here."))
    assert response.status_code == 303
    assert Comment.objects.get().text == "Still here."
    again = client.post(comment_endpoint(), comment_data(post, text="Too soon after."))
    assert again.status_code == 429
    assert Comment.objects.count() == 1
