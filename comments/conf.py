"""The discussion settings: one place to read the moderation rules and limits.

Each value comes from, first to last:

1. the author's ``DiscussionSettings`` row, edited in the admin, for the values an
   author decides (moderation rules and words, closing, threading, notifications,
   IP retention), once it has been saved;
2. a Django setting named ``COMMENTS_<NAME>`` when the project sets one;
3. the default below (WordPress's defaults where WordPress has one).

The row is read through the cache, so a page pays no query for it. Saving it writes
the new values to the cache: with a shared cache (Redis) every process sees them at once;
with the local-memory cache, which is per process, other processes within
``SETTINGS_CACHE_SECONDS``.
"""

from dataclasses import dataclass, field, fields, replace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from comments.models import (
    MAX_DAYS,
    SETTINGS_CACHE_KEY,
    SETTINGS_CACHE_SECONDS,
    DiscussionSettings,
)


@dataclass(frozen=True)
class DiscussionConfig:
    # Models that may carry comments, as "app_label.ModelName".
    target_models: tuple[str, ...] = ()
    # WordPress: comment_previously_approved, on by default.
    approve_returning_commenters: bool = True
    # WordPress: comment_max_links = 2; a comment is held when its count reaches it.
    max_links: int = 2
    moderation_words: tuple[str, ...] = ()
    disallowed_words: tuple[str, ...] = ()
    # WordPress: close_comments_days_old, off (0) by default.
    close_after_days: int = 0
    thread_depth: int = 5
    per_page: int = 50
    # WordPress refuses a second comment from one IP or email within 15 seconds.
    flood_seconds: int = 15
    # A person needs a few seconds to read a post and type; a bot posts at once.
    min_seconds_to_post: int = 3
    # How long a page's comment form stays valid before it asks to be sent again.
    max_form_age_seconds: int = 7 * 24 * 3600
    notify_pending: bool = True
    notify_approved: bool = False
    # Commenters' IP addresses and browsers are kept this long, then erased
    # (manage.py purge_comment_ips, meant for a daily cron job).
    ip_retention_days: int = 30
    # How long the rendered approved thread is cached (0 turns the cache off).
    cache_seconds: int = 600
    # Reading the client's address: 0 trusts REMOTE_ADDR; N > 0 takes the address the
    # nearest of N trusted proxies saw, from the right of X-Forwarded-For.
    trusted_proxies: int = 0
    checks: tuple[str, ...] = field(
        default=(
            "comments.checks.staff_author",
            "comments.checks.honeypot",
            "comments.checks.posted_too_fast",
            "comments.checks.flood",
            "comments.checks.duplicate",
            "comments.checks.disallowed_words",
            "comments.checks.moderation_words",
            "comments.checks.too_many_links",
            "comments.checks.returning_commenter",
        )
    )


def discussion_settings():
    """The settings in force: the author's saved row over the project's settings."""
    overrides = cache.get(SETTINGS_CACHE_KEY)
    if overrides is None:
        row = DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
        overrides = row.as_overrides() if row else {}
        cache.set(SETTINGS_CACHE_KEY, overrides, SETTINGS_CACHE_SECONDS)
    return replace(project_settings(), **overrides)


def initial_row_values():
    """What the admin's settings form starts from before the author first saves it."""
    config = project_settings()
    values = {name: getattr(config, name) for name in DiscussionSettings.editable_names()}
    for name in ("moderation_words", "disallowed_words"):
        values[name] = "\n".join(values[name])
    return values


def project_settings():
    """The values from Django's settings (``COMMENTS_*``) and the defaults above."""
    values = {}
    for option in fields(DiscussionConfig):
        name = f"COMMENTS_{option.name.upper()}"
        if hasattr(settings, name):
            value = getattr(settings, name)
            values[option.name] = tuple(value) if isinstance(value, list) else value
    if values.get("thread_depth", 1) < 1 or values.get("per_page", 1) < 1:
        raise ImproperlyConfigured(
            "COMMENTS_THREAD_DEPTH and COMMENTS_PER_PAGE must be at least 1."
        )
    for name in ("close_after_days", "ip_retention_days"):
        if not 0 <= values.get(name, 0) <= MAX_DAYS:
            raise ImproperlyConfigured(f"COMMENTS_{name.upper()} must be 0 to {MAX_DAYS}.")
    return DiscussionConfig(**values)
