"""The site settings in force: one place to read the title, tagline, time zone, the
author's public name, where moderation mail goes and what feeds show.

Each value comes from the author's ``SiteSettings`` row once it has been saved in the
admin, else from Django's settings, which read the environment (``FROM_SETTINGS``):
the environment only gives the starting values. The row is read through the cache,
under the content version (``freshness``), which saving it moves: every process sees a
change at once, whatever the cache backend.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache

from freshness import version
from site_settings.models import SETTINGS_CACHE_KEY, SETTINGS_CACHE_SECONDS, SiteSettings


@dataclass(frozen=True)
class SiteConfig:
    title: str
    tagline: str
    time_zone: str
    author_name: str
    moderation_email: str
    feed_content: str


FROM_SETTINGS = {
    "title": "MONTAGE_SITE_TITLE",
    "tagline": "MONTAGE_SITE_TAGLINE",
    "time_zone": "TIME_ZONE",
    "author_name": "MONTAGE_AUTHOR_NAME",
    "moderation_email": "MONTAGE_MODERATION_EMAIL",
    "feed_content": "MONTAGE_FEED_CONTENT",
}


# The settings last worked out in this process, with what they were worked out from: a
# post page asks five times, and every request once. The content version names the row
# as it is in the database, so one kept under it is never stale in any process.
_last = {}


def site_settings() -> SiteConfig:
    """The settings in force: the author's saved row, else the project's settings."""
    current = version.current()
    project = project_settings()
    if _last.get("from") == (current, project):
        return _last["config"]
    key = f"{SETTINGS_CACHE_KEY}:{current}"
    values = cache.get(key)
    if values is None:
        row = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
        values = row.as_values() if row else {}
        cache.set(key, values, SETTINGS_CACHE_SECONDS)
    config = replace(project, **values)
    _last.update({"from": (current, project), "config": config})
    return config


def project_settings() -> SiteConfig:
    """The starting values, from Django's settings."""
    return SiteConfig(**{name: getattr(settings, key, "") for name, key in FROM_SETTINGS.items()})
