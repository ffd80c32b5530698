"""How often a page reads the site settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from site_settings.models import SiteSettings
from tests.factories import PostFactory
from tests.site_settings.helpers import settings_form

pytestmark = pytest.mark.django_db


def test_a_post_page_reads_the_site_settings_once_even_with_no_cache(client, settings):
    """With CACHE_URL=dummy:// (nothing kept) the page still reads the settings row once."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    post = PostFactory()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(post.get_absolute_url()).status_code == 200
    table = SiteSettings._meta.db_table
    assert sum(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries) == 1


def test_settings_saved_between_two_views_show_on_the_second(client, settings):
    """What a request remembers of the settings ends with it: the next one sees a change."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    post = PostFactory()
    assert "<title>" in client.get(post.get_absolute_url()).content.decode()
    values = settings_form(title="Drago")
    SiteSettings.objects.update_or_create(pk=SiteSettings.SINGLETON_PK, defaults=values)
    assert "Drago</title>" in client.get(post.get_absolute_url()).content.decode()
