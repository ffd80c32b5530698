"""The Site settings page: one object the author edits in the admin, like Discussion settings."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_notify_moderators
from freshness import version
from site_settings.conf import site_settings
from site_settings.models import SiteSettings
from tests.factories import CommentFactory
from tests.site_settings.helpers import SETTINGS_URL, save_settings

pytestmark = pytest.mark.django_db


def test_the_list_opens_the_one_settings_page_filled_from_the_environment(
    client, author, settings
):
    """Before the first save the form shows the starting values the environment gave."""
    settings.MONTAGE_SITE_TITLE = "Training Montages"
    settings.MONTAGE_MODERATION_EMAIL = "mod@example.com"
    settings.TIME_ZONE = "Europe/Paris"
    response = client.get(SETTINGS_URL, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/{SiteSettings.SINGLETON_PK}/change/")
    assert 'name="title" value="Training Montages"' in page
    assert 'name="moderation_email" value="mod@example.com"' in page
    assert '<option value="Europe/Paris" selected>Europe/Paris</option>' in page
    assert "deletelink" not in page
    assert client.get(reverse("admin:site_settings_sitesettings_add")).status_code == 403
    assert not SiteSettings.objects.exists()


def test_saved_settings_apply_at_once_and_win_over_the_environment(
    client, author, settings, django_capture_on_commit_callbacks
):
    """Once saved, the row is what every page reads, whatever the environment says."""
    site_settings()  # the starting values are cached before the change
    settings.MONTAGE_SITE_TITLE = "From the environment"
    response = save_settings(
        client,
        django_capture_on_commit_callbacks,
        title="Rocky Montages",
        tagline="Training scenes, frame by frame",
        time_zone="America/New_York",
    )
    assert response.status_code == 302
    saved = site_settings()
    assert (saved.title, saved.tagline, saved.time_zone) == (
        "Rocky Montages",
        "Training scenes, frame by frame",
        "America/New_York",
    )
    assert "Site settings saved." in client.get(response["Location"]).content.decode()


def test_time_zones_are_offered_as_a_list_grouped_by_area(client, author):
    page = client.get(SETTINGS_URL, follow=True).content.decode()
    assert '<optgroup label="America">' in page
    assert '<option value="America/New_York">America/New York</option>' in page
    assert '<option value="UTC" selected>UTC</option>' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone."),
        ("time_zone", "", "This field is required."),
        ("moderation_email", "ada-at-example.com", "Enter an email address such as"),
        ("title", "   ", "Give the site a title: it heads every page."),
        ("author_name", "", "Enter the name readers should see on your posts and replies."),
        ("title", "x" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_bad_values_are_refused_with_a_sentence_and_what_was_typed_is_kept(
    client, author, django_capture_on_commit_callbacks, field, value, message
):
    response = save_settings(
        client,
        django_capture_on_commit_callbacks,
        tagline="Kept as typed",
        **{field: value},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'name="tagline" value="Kept as typed"' in page
    assert not SiteSettings.objects.exists()


def test_a_login_name_is_refused_as_the_public_name(
    client, author, django_capture_on_commit_callbacks
):
    """The public name exists so readers never see a login: it may not be one."""
    response = save_settings(
        client, django_capture_on_commit_callbacks, author_name=author.username.upper()
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "That is a login name, and readers must never see one." in page
    assert not SiteSettings.objects.exists()


def test_an_alias_time_zone_from_the_environment_stays_selectable(client, author, settings):
    """A legacy name such as US/Eastern is still a real zone: shown, and savable."""
    settings.TIME_ZONE = "US/Eastern"
    page = client.get(SETTINGS_URL, follow=True).content.decode()
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in page


def test_settings_cost_one_query_then_none(django_assert_num_queries):
    """In a request, which reads the content version once: the row once, then the cache."""
    with version.held():
        with django_assert_num_queries(2):  # the version, then the row
            site_settings()
        with django_assert_num_queries(0):
            site_settings()


def test_the_admin_header_follows_the_site_title(
    client, author, django_capture_on_commit_callbacks
):
    save_settings(client, django_capture_on_commit_callbacks, title="Rocky Montages")
    page = client.get(reverse("admin:index")).content.decode()
    assert "Rocky Montages admin" in page
    assert "<title>Site administration | Rocky Montages</title>" in page


def test_reader_pages_show_the_saved_title_and_tagline(
    client, author, django_capture_on_commit_callbacks
):
    save_settings(
        client,
        django_capture_on_commit_callbacks,
        title="Rocky Montages",
        tagline="Training scenes, frame by frame",
    )
    page = Client().get(reverse("blog:home")).content.decode()
    assert "<title>Rocky Montages — Training scenes, frame by frame</title>" in page
    assert '<meta name="description" content="Training scenes, frame by frame">' in page
    assert "<p>Rocky Montages — Training scenes, frame by frame.</p>" in page


def test_moderation_mail_goes_to_the_saved_address(
    client, author, settings, django_capture_on_commit_callbacks
):
    """Not to the post author's account address: to the one the Site settings name."""
    settings.MONTAGE_MODERATION_EMAIL = "from-the-environment@example.com"
    save_settings(client, django_capture_on_commit_callbacks, moderation_email="mod@example.com")
    comment = CommentFactory(status=Comment.Status.PENDING, target__author__email="a@example.com")
    assert comment_notify_moderators(comment=comment, admin_base_url="http://testserver")
    [message] = mail.outbox
    assert message.to == ["mod@example.com"]


def test_no_moderation_address_sends_no_mail(settings):
    settings.MONTAGE_MODERATION_EMAIL = ""
    comment = CommentFactory(status=Comment.Status.PENDING)
    assert not comment_notify_moderators(comment=comment, admin_base_url="http://testserver")
    assert mail.outbox == []
