import datetime
import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.privacy import ANONYMOUS_NAME
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Drago@Example.org"


@pytest.fixture
def author(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def drago_comments():
    first = CommentFactory(email=ADDRESS, name="Ivan Drago", url="https://drago.example")
    second = CommentFactory(email=ADDRESS.lower(), name="Ivan", text="I must break you.")
    reply = CommentFactory(target=first.target, parent=first, email="duke@example.com")
    return first, second, reply


def _export(client, email):
    return client.get(reverse("admin:comments_comment_privacy_export"), {"email": email})


def test_lookup_counts_a_persons_comments_whatever_the_case(author, drago_comments):
    """The privacy page finds every comment written under the address."""
    response = author.get(
        reverse("admin:comments_comment_privacy"), {"email": "drago@EXAMPLE.org"}
    )
    assert "2 comments from drago@EXAMPLE.org" in response.content.decode()


def test_export_downloads_everything_stored_as_json(author, drago_comments):
    """The export is a JSON file with every comment, address, IP and browser."""
    response = _export(author, ADDRESS)
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == [c.text for c in drago_comments[:2]]
    assert data["comments"][0]["ip_address"] == "203.0.113.7"
    assert data["comments"][0]["website"] == "https://drago.example"
    assert "moderation_reason" in data["comments"][0]


def test_erase_asks_for_confirmation_first(author, drago_comments):
    """The first POST only shows what will be erased; nothing changes yet."""
    response = author.post(
        reverse("admin:comments_comment_privacy_erase"), {"email": ADDRESS, "how": "delete"}
    )
    assert "This cannot be undone." in response.content.decode()
    assert Comment.objects.by_email(ADDRESS).count() == 2


def test_anonymising_keeps_the_text_and_removes_the_person(author, drago_comments):
    """Anonymised comments stay in the thread with no name, email, site, IP or browser."""
    author.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": ADDRESS, "how": "anonymise", "confirmed": "yes"},
    )
    first = Comment.objects.get(pk=drago_comments[0].pk)
    assert (first.name, first.email, first.url, first.ip_address, first.user_agent) == (
        ANONYMOUS_NAME, "", "", None, "",
    )  # fmt: skip
    assert first.text == drago_comments[0].text
    assert not Comment.objects.filter(name__icontains="drago").exists()
    assert json.loads(_export(author, ADDRESS).content)["comments"] == []


@pytest.mark.parametrize("how", ["anonymise", "delete"])
def test_erasing_takes_the_name_out_of_the_admins_recent_actions(author, drago_comments, how):
    """The admin's log named each comment by its writer ("Comment by Ivan Drago on ...")."""
    comment = drago_comments[0]
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    form = {
        "status": comment.status,
        "name": comment.name,
        "email": comment.email,
        "url": comment.url,
        "text": "Edited by the moderator.",
    }
    assert author.post(url, form, follow=True).redirect_chain  # saved, message shown
    assert LogEntry.objects.filter(object_repr__contains="Drago").exists()

    author.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": ADDRESS, "how": how, "confirmed": "yes"},
    )

    assert not LogEntry.objects.filter(object_repr__icontains="drago").exists()
    assert "Drago" not in author.get(reverse("admin:index")).content.decode()


def test_deleting_removes_the_comments_and_their_replies(author, drago_comments):
    """Deleted comments take the replies hanging from them along."""
    author.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": ADDRESS, "how": "delete", "confirmed": "yes"},
    )
    assert not Comment.objects.filter(pk__in=[c.pk for c in drago_comments]).exists()


def test_erasing_needs_a_valid_address(author):
    """A mistyped address is refused with a message; nothing is erased."""
    CommentFactory(email="someone@example.com")
    response = author.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": "not-an-address", "how": "delete", "confirmed": "yes"},
    )
    assert "Enter a valid email address." in response.content.decode()
    assert Comment.objects.count() == 1


def test_privacy_tools_need_a_staff_login(client, drago_comments):
    """Nobody else can export or erase."""
    assert _export(client, ADDRESS).status_code == 302
    client.post(
        reverse("admin:comments_comment_privacy_erase"),
        {"email": ADDRESS, "how": "delete", "confirmed": "yes"},
    )
    assert Comment.objects.by_email(ADDRESS).count() == 2


def _age(comment, days):
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_purge_forgets_ips_and_browsers_past_the_retention_window(settings):
    """Old comments lose their IP and browser; recent ones keep them, for the flood rule."""
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    old, recent = CommentFactory(user_agent="Firefox"), CommentFactory(user_agent="Firefox")
    _age(old, 31)
    _age(recent, 29)
    out = io.StringIO()
    call_command("purge_comment_ips", stdout=out)
    old.refresh_from_db(), recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "Firefox")
    assert "1 comments older than 30 days" in out.getvalue()


def test_purge_is_safe_to_run_again():
    """A second run finds nothing left to erase."""
    _age(CommentFactory(), 400)
    call_command("purge_comment_ips", stdout=io.StringIO())
    out = io.StringIO()
    call_command("purge_comment_ips", stdout=out)
    assert "of 0 comments" in out.getvalue()


def test_purge_refuses_a_negative_window():
    """A negative --days is a clear error, not a purge of everything."""
    with pytest.raises(CommandError, match="between 0 and 36500"):
        call_command("purge_comment_ips", days=-1)


def test_purge_refuses_a_window_past_any_date():
    with pytest.raises(CommandError, match="between 0 and 36500"):
        call_command("purge_comment_ips", days=99_999_999_999)
