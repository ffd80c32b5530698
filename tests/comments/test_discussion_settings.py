"""Discussion settings: one object the author edits in the admin, cached, with defaults."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.conf import discussion_settings
from comments.models import Comment, DiscussionSettings
from freshness import version
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("admin:comments_discussionsettings_changelist")


def _settings_form(**changes):
    data = {
        "approve_returning_commenters": "on",
        "max_links": "2",
        "moderation_words": "",
        "disallowed_words": "",
        "close_after_days": "0",
        "thread_depth": "5",
        "per_page": "50",
        "notify_pending": "on",
        "ip_retention_days": "30",
        "spam_threshold": "90",
        "spam_hold_threshold": "20",
        "spam_warmup_decisions": "50",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _save(client, django_capture_on_commit_callbacks, **changes):
    """Open the settings from the admin's list and save them, as the author does."""
    form_url = client.get(SETTINGS_URL)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(form_url, _settings_form(**changes))


def test_the_list_opens_the_one_settings_page_filled_from_the_project(client, author, settings):
    """Before the first save the form shows what is in force: the project's values."""
    settings.COMMENTS_MODERATION_WORDS = ["casino", "free money"]
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    response = client.get(SETTINGS_URL, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/{DiscussionSettings.SINGLETON_PK}/change/")
    assert ">\ncasino\nfree money</textarea>" in page
    assert 'name="close_after_days" value="14"' in page
    assert "Add discussion settings" not in page
    assert "deletelink" not in page
    assert client.get(reverse("admin:comments_discussionsettings_add")).status_code == 403


def test_saved_words_hold_the_next_comment_at_once(
    client, author, settings, django_capture_on_commit_callbacks
):
    """A returning commenter is published at once, unless a saved word holds them."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = PostFactory()
    CommentFactory(target=post, name="Ivan Drago", email="ivan@example.com")
    discussion_settings()  # the old settings are cached before the change
    response = _save(client, django_capture_on_commit_callbacks, moderation_words="casino\n\n")
    assert response.status_code == 302
    client.logout()
    client.post(comment_endpoint(), comment_data(post, text="Best casino in town"))
    client.post(comment_endpoint(), comment_data(post, text="Great montage."))
    statuses = dict(Comment.objects.values_list("text", "status"))
    assert statuses["Best casino in town"] == Comment.Status.PENDING
    assert statuses["Great montage."] == Comment.Status.APPROVED


def test_saved_page_size_pages_the_comments(client, author, django_capture_on_commit_callbacks):
    post = PostFactory()
    for number in range(3):
        CommentFactory(target=post, text=f"Thread number {number}.")
    discussion_settings()  # the old settings are cached before the change
    _save(client, django_capture_on_commit_callbacks, per_page="2")
    client.logout()
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{post.get_absolute_url()}?cpage=2#comments"' in page


def test_the_saved_row_wins_over_the_project_settings(
    client, author, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MAX_LINKS = 5
    _save(client, django_capture_on_commit_callbacks, max_links="1")
    assert discussion_settings().max_links == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("thread_depth", "0", "Enter a whole number from 1 to 10."),
        ("thread_depth", "11", "Enter a whole number from 1 to 10."),
        ("per_page", "many", "Enter a whole number from 1 to 500."),
        ("ip_retention_days", "0", "Enter a whole number from 1 to 36500."),
        ("max_links", "-1", "Enter a whole number from 0 to 100."),
        ("max_links", "70000", "Enter a whole number from 0 to 100."),
    ],
)
def test_bad_values_are_refused_and_the_rest_is_kept(
    client, author, django_capture_on_commit_callbacks, field, value, message
):
    response = _save(
        client,
        django_capture_on_commit_callbacks,
        moderation_words="poker",
        **{field: value},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 1
    assert "Ensure this value" not in page
    assert ">\npoker</textarea>" in page
    assert discussion_settings().moderation_words == ()


def test_settings_cost_one_query_then_none(django_assert_num_queries):
    """In a request, which reads the content version once: the row once, then the cache."""
    with version.held():
        with django_assert_num_queries(2):  # the version, then the row
            discussion_settings()
        with django_assert_num_queries(0):
            discussion_settings()


def test_purging_uses_the_saved_retention(client, author, django_capture_on_commit_callbacks):
    _save(client, django_capture_on_commit_callbacks, ip_retention_days="7")
    old = CommentFactory(ip_address="198.51.100.4")
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Comment.objects.filter(pk=old.pk).update(created_at=eight_days_ago)
    call_command("purge_comment_ips", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.ip_address is None


def test_looking_at_the_settings_stores_nothing(client, author, settings):
    """Until the author saves, the project's settings keep applying, even when changed."""
    settings.COMMENTS_MAX_LINKS = 4
    assert client.get(SETTINGS_URL, follow=True).status_code == 200
    settings.COMMENTS_MAX_LINKS = 6
    assert not DiscussionSettings.objects.exists()
    assert discussion_settings().max_links == 6


@pytest.mark.parametrize("field", ["close_after_days", "ip_retention_days"])
def test_a_number_of_days_past_any_date_is_refused(
    client, author, django_capture_on_commit_callbacks, field
):
    """Dates overflow past a century: the form says so instead of breaking every post."""
    response = _save(client, django_capture_on_commit_callbacks, **{field: "3000000"})
    assert response.status_code == 200
    assert "to 36500." in response.content.decode()
    assert not DiscussionSettings.objects.exists()
