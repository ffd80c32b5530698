"""The discussion settings in force: ``discussion_settings()``.

Each option is declared once, in ``comments.options.OPTIONS``, and takes its value
from, first to last:

1. the author's ``DiscussionSettings`` row, edited in the admin, for the author's
   options, once it has been saved;
2. ``COMMENTS_<NAME>`` in Django's settings, when the project (or a test) sets one;
3. ``COMMENTS_<NAME>`` in the environment;
4. the default: the model field's for the author's options, the declared one otherwise.

So for the author's options the environment only gives starting values: once the
author saves the settings page, the saved values apply, and the page says which
environment values it overrides.

The row is read through the cache, under the content version (``freshness``), which
saving it moves: every process sees a change at once, whatever the cache backend.
"""

import os
from dataclasses import dataclass, field, make_dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError

from comments.models import SETTINGS_CACHE_KEY, SETTINGS_CACHE_SECONDS, DiscussionSettings
from comments.options import FLAG, NUMBER, OPTIONS, between
from freshness import version


def _default(option):
    if option.in_admin:
        return option.from_row(DiscussionSettings._meta.get_field(option.name).get_default())
    return option.default


DiscussionConfig = make_dataclass(
    "DiscussionConfig",
    [(option.name, type(_default(option)), field(default=_default(option))) for option in OPTIONS],
    frozen=True,
)
DiscussionConfig.__doc__ = "The value of every option in ``comments.options.OPTIONS``."


@dataclass(frozen=True)
class Given:
    """A value the project gives an option: from Django's settings or the environment."""

    value: object
    setting: str
    shown: str  # as the deployer wrote it
    origin: str  # "the environment" or "Django's settings"

    def __str__(self):
        return f"{self.setting}={self.shown} in {self.origin}"


def discussion_settings():
    """The settings in force: the author's saved row over the project's settings."""
    key = f"{SETTINGS_CACHE_KEY}:{version.current()}"
    overrides = cache.get(key)
    if overrides is None:
        row = DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
        overrides = row.as_overrides() if row else {}
        cache.set(key, overrides, SETTINGS_CACHE_SECONDS)
    return replace(project_settings(), **overrides)


def project_settings():
    """The values from Django's settings and the environment over the defaults."""
    return DiscussionConfig(**{name: given.value for name, given in given_values().items()})


def initial_row_values():
    """What the admin's settings form starts from before the author first saves it."""
    config = project_settings()
    return {
        option.name: option.to_row(getattr(config, option.name))
        for option in OPTIONS
        if option.in_admin
    }


def given_values(environ=None):
    """What Django's settings and the environment give each option, checked.

    A value that is not allowed stops startup (``CommentsConfig.ready``) with an
    ``ImproperlyConfigured`` sentence naming the variable and the allowed values.
    """
    environ = os.environ if environ is None else environ
    given = {}
    for option in OPTIONS:
        if hasattr(settings, option.setting):
            raw = getattr(settings, option.setting)
            value = option.from_setting(raw)
            found = Given(value, option.setting, repr(raw), "Django's settings")
        elif (raw := environ.get(option.setting)) is not None:
            found = Given(None, option.setting, raw, "the environment")
            try:
                value = option.parse(raw)
            except ValueError as error:
                raise ImproperlyConfigured(f"{found} is refused. {error}") from None
            found = replace(found, value=value)
        else:
            continue
        _check(option, found)
        given[option.name] = found
    return given


def _check(option, found):
    value = found.value
    if option.kind == FLAG and not isinstance(value, bool):
        raise ImproperlyConfigured(f"{found} is refused. Write True or False.")
    if option.kind == NUMBER and (isinstance(value, bool) or not isinstance(value, int)):
        raise ImproperlyConfigured(f"{found} is refused. Write a whole number.")
    for validator in option_validators(option):
        try:
            validator(value)
        except ValidationError as error:
            raise ImproperlyConfigured(f"{found} is refused. {error.messages[0]}") from None


def option_validators(option):
    """The checks a value of this option must pass: its model field's, or its bounds."""
    if option.in_admin:
        return DiscussionSettings._meta.get_field(option.name).validators
    return between(*option.bounds) if option.bounds else []
