import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rows from one test never leak into another."""
    cache.clear()
    yield
    cache.clear()
