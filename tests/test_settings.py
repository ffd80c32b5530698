import pytest
from django.core.exceptions import ImproperlyConfigured

from montage.settings import _cache_from_url, env


def test_env_reads_booleans_and_lists(monkeypatch):
    """Booleans and comma lists are read the way an operator writes them."""
    monkeypatch.setenv("FLAG", "off")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env("FLAG", True, cast=bool) is False
    assert env("HOSTS", [], cast=list) == ["a.example", "b.example"]


def test_missing_required_setting_names_the_variable(monkeypatch):
    """A required setting that is missing stops startup with a sentence naming it."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env("SECRET_KEY")


def test_unreadable_value_is_refused_clearly(monkeypatch):
    """A boolean that is not one, or a number that is not one, is a clear error."""
    monkeypatch.setenv("DEBUG", "maybe")
    monkeypatch.setenv("MONTAGE_POSTS_PER_PAGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env("DEBUG", True, cast=bool)
    with pytest.raises(ImproperlyConfigured, match="MONTAGE_POSTS_PER_PAGE"):
        env("MONTAGE_POSTS_PER_PAGE", 5, cast=int)


def test_cache_url_selects_the_backend():
    """locmem:// and redis:// pick their backends; anything else is refused."""
    assert "LocMemCache" in _cache_from_url("locmem://")["BACKEND"]
    assert _cache_from_url("redis://127.0.0.1:6379/1")["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured):
        _cache_from_url("memcached://127.0.0.1")
