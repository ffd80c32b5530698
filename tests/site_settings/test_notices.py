"""Until the site is set up, the admin says what is missing, with a link to fix it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationMailFailure
from tests.factories import CommentFactory
from tests.site_settings.helpers import save_settings

pytestmark = pytest.mark.django_db

SETTINGS_PAGE = reverse("admin:site_settings_sitesettings_change", args=[1])


def _index(client):
    return client.get(reverse("admin:index")).content.decode()


def test_the_admin_asks_for_a_public_name_until_one_is_set(
    client, author, django_capture_on_commit_callbacks
):
    """The home page and the post form link to the setting, then stop asking."""
    asks = f'<a href="{SETTINGS_PAGE}#id_author_name">Set your public name</a>'
    assert asks in _index(client)
    assert asks in client.get(reverse("admin:blog_post_add")).content.decode()
    save_settings(client, django_capture_on_commit_callbacks, author_name="Ada Lovelace")
    assert "Set your public name" not in _index(client)
    assert (
        "Set your public name" not in client.get(reverse("admin:blog_post_add")).content.decode()
    )


def test_the_request_names_what_readers_see_until_then(client, author):
    name = f"{author.first_name} {author.last_name}"
    assert f"Readers see “{name}” on your posts and replies" in _index(client)


def test_waiting_comments_with_no_moderation_address_are_pointed_out(client, author, settings):
    settings.MONTAGE_MODERATION_EMAIL = ""
    CommentFactory(status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.PENDING)
    page = _index(client)
    assert "2 comments await moderation, and moderation mail has no address to go to." in page
    assert f'<a href="{SETTINGS_PAGE}#id_moderation_email">Set the address</a>' in page


@pytest.mark.parametrize(
    ("address", "status", "notify"),
    [
        ("ada@example.com", Comment.Status.PENDING, True),
        ("", Comment.Status.APPROVED, True),
        ("", Comment.Status.PENDING, False),
    ],
    ids=["address-set", "nothing-waits", "mail-turned-off"],
)
def test_no_address_notice_when_nothing_would_be_lost(
    client, author, settings, address, status, notify
):
    settings.MONTAGE_MODERATION_EMAIL = address
    settings.COMMENTS_NOTIFY_PENDING = notify
    CommentFactory(status=status)
    assert "has no address to go to" not in _index(client)


def test_the_latest_mail_failure_is_shown_with_what_to_check(client, author, settings):
    settings.MONTAGE_SITE_TITLE = "Montage"
    failed_at = timezone.make_aware(datetime.datetime(2026, 11, 30, 21, 5), datetime.UTC)
    ModerationMailFailure.objects.create(
        failed_at=failed_at, error="SMTPServerDisconnected: mail server down"
    )
    page = _index(client)
    assert (
        "Moderation mail could not be sent at 30 November 2026, 21:05: "
        "<code>SMTPServerDisconnected: mail server down</code>. Check the mail server settings"
    ) in page
    ModerationMailFailure.objects.all().delete()
    assert "could not be sent" not in _index(client)


def test_the_failure_time_is_shown_in_the_site_time_zone(
    client, author, django_capture_on_commit_callbacks
):
    save_settings(client, django_capture_on_commit_callbacks, time_zone="Asia/Tokyo")
    failed_at = timezone.make_aware(datetime.datetime(2026, 11, 30, 21, 5), datetime.UTC)
    ModerationMailFailure.objects.create(failed_at=failed_at, error="OSError: refused")
    assert "could not be sent at 1 December 2026, 06:05" in _index(client)
