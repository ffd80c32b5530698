"""Each discussion option is declared once (comments.options.OPTIONS) and reaches
the config, the environment, Django's settings and the admin form from there."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MinValueValidator
from django.urls import reverse

from comments.admin import DiscussionSettingsAdmin
from comments.conf import (
    DiscussionConfig,
    discussion_settings,
    given_values,
    option_validators,
    project_settings,
)
from comments.models import DiscussionSettings
from comments.options import FLAG, NUMBER, OPTIONS

SETTINGS_URL = reverse("admin:comments_discussionsettings_changelist")
ROOT = Path(__file__).resolve().parents[2]


def _environment_sample(option):
    """A value an operator could write for this option, and what the code reads."""
    if option.kind == FLAG:
        return "off", False
    if option.kind == NUMBER:
        low = next(
            v.limit_value for v in option_validators(option) if isinstance(v, MinValueValidator)
        )
        return f" {low + 1} ", low + 1
    return "casino, free money,", ("casino", "free money")


def _unset(settings, option):
    if hasattr(django_settings, option.setting):
        delattr(settings, option.setting)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.name)
def test_each_declared_option_is_in_the_config_with_its_default(option):
    names = [config_field.name for config_field in dataclasses.fields(DiscussionConfig)]
    assert option.name in names
    if option.in_admin:
        model_field = DiscussionSettings._meta.get_field(option.name)
        assert getattr(DiscussionConfig(), option.name) == option.from_row(
            model_field.get_default()
        )


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.name)
def test_each_declared_option_is_read_from_the_environment(settings, option):
    _unset(settings, option)
    raw, expected = _environment_sample(option)
    given = given_values({option.setting: raw})
    assert given[option.name].value == expected


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.name)
def test_django_settings_win_over_the_environment(settings, option):
    raw, _ = _environment_sample(option)
    default = getattr(DiscussionConfig(), option.name)
    setattr(settings, option.setting, default)
    given = given_values({option.setting: raw})[option.name]
    assert (given.value, given.origin) == (default, "Django's settings")


@pytest.mark.django_db
def test_each_author_option_is_on_the_admin_form_and_no_deployer_option_is(client, author):
    page = client.get(SETTINGS_URL, follow=True).content.decode()
    for option in OPTIONS:
        assert (f'name="{option.name}"' in page) is option.in_admin, option.name


def test_every_settings_field_is_a_declared_option_in_its_fieldset():
    """A field added to the model without a declaration would be edited but never read."""
    editable = {
        model_field.name
        for model_field in DiscussionSettings._meta.concrete_fields
        if model_field.editable and not model_field.primary_key
    }
    in_fieldsets = {
        name for _, options in DiscussionSettingsAdmin.fieldsets for name in options["fields"]
    }
    declared = {option.name for option in OPTIONS if option.in_admin}
    assert editable == declared == in_fieldsets


@pytest.mark.parametrize(
    ("variable", "raw", "sentence"),
    [
        (
            "COMMENTS_MAX_LINKS",
            "70000",
            "COMMENTS_MAX_LINKS=70000 in the environment is refused. "
            "Enter a whole number from 0 to 100.",
        ),
        (
            "COMMENTS_MAX_LINKS",
            "-1",
            "COMMENTS_MAX_LINKS=-1 in the environment is refused. "
            "Enter a whole number from 0 to 100.",
        ),
        (
            "COMMENTS_THREAD_DEPTH",
            "deep",
            "COMMENTS_THREAD_DEPTH=deep in the environment is refused. Write a whole number.",
        ),
        (
            "COMMENTS_NOTIFY_PENDING",
            "maybe",
            "COMMENTS_NOTIFY_PENDING=maybe in the environment is refused. Write true or false.",
        ),
        (
            "COMMENTS_TRUSTED_PROXIES",
            "99",
            "COMMENTS_TRUSTED_PROXIES=99 in the environment is refused. "
            "Enter a whole number from 0 to 10.",
        ),
    ],
)
def test_a_bad_environment_value_is_refused_with_a_sentence(variable, raw, sentence):
    with pytest.raises(ImproperlyConfigured) as refused:
        given_values({variable: raw})
    assert str(refused.value) == sentence


def test_a_bad_django_setting_is_refused_with_a_sentence(settings):
    settings.COMMENTS_THREAD_DEPTH = 0
    with pytest.raises(ImproperlyConfigured, match=r"Enter a whole number from 1 to 10\.$"):
        project_settings()


def test_a_bad_environment_value_stops_startup():
    """manage.py refuses to start, naming the variable, instead of failing on a comment."""
    env = {**os.environ, "COMMENTS_PER_PAGE": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        "COMMENTS_PER_PAGE=0 in the environment is refused. Enter a whole number from 1 to 500."
        in result.stderr
    )


@pytest.mark.django_db
def test_the_settings_page_says_an_environment_value_applies_until_saved(
    client, author, monkeypatch
):
    monkeypatch.setenv("COMMENTS_MAX_LINKS", "3")
    page = client.get(SETTINGS_URL, follow=True).content.decode()
    assert 'name="max_links" value="3"' in page
    assert "COMMENTS_MAX_LINKS=3 is set in the environment: it applies until you save." in page


@pytest.mark.django_db
def test_once_saved_the_settings_page_says_the_saved_value_wins(
    client, author, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("COMMENTS_MAX_LINKS", "3")
    form_url = client.get(SETTINGS_URL)["Location"]
    data = {
        "approve_returning_commenters": "on",
        "max_links": "5",
        "close_after_days": "0",
        "thread_depth": "5",
        "per_page": "50",
        "ip_retention_days": "30",
        "spam_threshold": "90",
        "spam_hold_threshold": "20",
        "spam_warmup_decisions": "50",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, data)
    page = client.get(form_url).content.decode()
    assert 'name="max_links" value="5"' in page
    assert "COMMENTS_MAX_LINKS=3 is set in the environment; the value saved here applies." in page
    assert discussion_settings().max_links == 5
