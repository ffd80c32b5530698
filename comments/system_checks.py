"""What ``manage.py check`` reports about the comments settings, before any reader posts.

A moderation check or an author-name hook that cannot be imported, or a target model
that cannot say when its discussion opened or where its page is, would otherwise fail
only when a reader sends a comment, the author replies, or someone opens the page.
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from comments.conf import project_settings

# What the comments app asks of every target (comments.views explains each).
TARGET_NEEDS = {
    "comments_opened_at": (
        "comments.E005",
        "when its discussion opened (None until it opens), e.g. a property returning "
        "the publication time",
    ),
    "get_absolute_url": ("comments.E006", "the address of its page, which shows the comments"),
}


def comments_configuration(app_configs=None, **kwargs):
    try:
        conf = project_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="comments.E001")]
    return [
        *_moderation_checks(conf.checks),
        *_target_models(conf.target_models),
        *_author_name_hook(getattr(settings, "COMMENTS_AUTHOR_NAME", "")),
        *_privacy_hooks("COMMENTS_PRIVACY_EXPORTERS", conf.privacy_exporters, "comments.E008"),
        *_privacy_hooks("COMMENTS_PRIVACY_ERASERS", conf.privacy_erasers, "comments.E009"),
        *_spam_thresholds(conf),
    ]


def _spam_thresholds(conf):
    """The admin's form refuses a hold score at or above the spam score; the environment
    cannot be asked, so ``check`` says it: nothing would ever be held as unsure."""
    if conf.spam_hold_threshold >= conf.spam_threshold:
        yield checks.Warning(
            f"COMMENTS_SPAM_HOLD_THRESHOLD ({conf.spam_hold_threshold}) is not below "
            f"COMMENTS_SPAM_THRESHOLD ({conf.spam_threshold}): the spam filter holds nothing "
            "as unsure.",
            hint="Set the hold score below the spam score (SpamBayes uses 20 and 90).",
            id="comments.W001",
        )


def _privacy_hooks(setting, paths, error_id):
    for path in paths:
        yield from _function_named(
            setting,
            path,
            hint="Each entry is a function taking email= (comments.privacy).",
            ids=(error_id, error_id),
        )


def _function_named(setting, path, *, hint, ids):
    """Errors for a dotted path in ``setting`` that names no function: ``ids`` is the
    pair of error ids for "cannot be imported" and "not a function"."""
    try:
        found = import_string(path)
    except ImportError as error:
        yield Error(
            f"{setting} names {path!r}, which cannot be imported: {error}",
            hint=f"Name a function as 'package.module.function'. {hint}",
            id=ids[0],
        )
        return
    if not callable(found):
        yield Error(f"{setting} names {path!r}, which is not a function.", hint=hint, id=ids[1])


def _author_name_hook(path):
    """``COMMENTS_AUTHOR_NAME`` (``comments.authors``) must name a callable."""
    if path:
        yield from _function_named(
            "COMMENTS_AUTHOR_NAME",
            path,
            hint="It takes a user and returns the name readers see on the author's replies.",
            ids=("comments.E007", "comments.E007"),
        )


def _moderation_checks(paths):
    for path in paths:
        yield from _function_named(
            "COMMENTS_CHECKS",
            path,
            hint="Each entry is a function taking (submission, conf).",
            ids=("comments.E002", "comments.E003"),
        )


def _target_models(labels):
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            yield Error(
                f"COMMENTS_TARGET_MODELS names {label!r}, which is not an installed model.",
                hint="Write it as 'app_label.ModelName', with its app in INSTALLED_APPS.",
                id="comments.E004",
            )
            continue
        for attribute, (error_id, meaning) in TARGET_NEEDS.items():
            if not hasattr(model, attribute):
                yield Error(
                    f"{model._meta.label} takes comments but has no {attribute}.",
                    hint=f"Give it {attribute}: {meaning}.",
                    obj=model,
                    id=error_id,
                )
