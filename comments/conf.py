"""The discussion settings: one place to read the moderation rules and limits.

Each value comes from a Django setting named ``COMMENTS_<NAME>`` when the project sets
one, else the default below (WordPress's defaults where WordPress has one).
"""

from dataclasses import dataclass, field, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DiscussionSettings:
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
    """The settings in force, read from Django's settings on each call (cheap)."""
    values = {}
    for option in fields(DiscussionSettings):
        name = f"COMMENTS_{option.name.upper()}"
        if hasattr(settings, name):
            value = getattr(settings, name)
            values[option.name] = tuple(value) if isinstance(value, list) else value
    if values.get("thread_depth", 1) < 1 or values.get("per_page", 1) < 1:
        raise ImproperlyConfigured(
            "COMMENTS_THREAD_DEPTH and COMMENTS_PER_PAGE must be at least 1."
        )
    return DiscussionSettings(**values)
