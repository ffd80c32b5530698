"""Upgrading: the author's earlier replies signed with a login are signed anew."""

import importlib

import pytest
from django.apps import apps

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

sign_with_the_public_name = importlib.import_module(
    "site_settings.migrations.0002_author_replies_never_signed_with_a_login"
).sign_with_the_public_name


def test_replies_signed_with_the_login_get_the_public_name(settings):
    settings.MONTAGE_AUTHOR_NAME = "Ada Lovelace"
    admin = UserFactory(username="admin", first_name="", last_name="")
    signed_with_login = CommentFactory(name="admin", user=admin, is_author=True)
    reader_named_admin = CommentFactory(name="admin", is_author=False)
    sign_with_the_public_name(apps, None)
    assert Comment.objects.get(pk=signed_with_login.pk).name == "Ada Lovelace"
    assert Comment.objects.get(pk=reader_named_admin.pk).name == "admin"


def test_without_a_public_name_the_full_name_or_the_site_title_signs(settings):
    settings.MONTAGE_AUTHOR_NAME = ""
    settings.MONTAGE_SITE_TITLE = "Montage"
    named = UserFactory(username="ada", first_name="Ada", last_name="L.")
    unnamed = UserFactory(username="admin", first_name="", last_name="")
    first = CommentFactory(name="ada", user=named, is_author=True)
    second = CommentFactory(name="admin", user=unnamed, is_author=True)
    sign_with_the_public_name(apps, None)
    assert Comment.objects.get(pk=first.pk).name == "Ada L."
    assert Comment.objects.get(pk=second.pk).name == "Montage"
