"""The author's first visit to the admin: what it asks for, the Site settings page, and
what readers see after. Screenshots are saved to tests/browser/screenshots/ (gitignored)
as site-settings-*.png for a person to look at.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from blog.demo import demo_load
from blog.models import Post
from comments.models import Comment, ModerationMailFailure
from comments.services import comment_reply_as_author
from tests.browser.test_comment_journey import ADMIN_PASSWORD, ROCKY, SCREENSHOTS
from tests.factories import CommentFactory

WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def first_hour_site(transactional_db, live_server, settings, tmp_path):
    """``make run``'s site: demo posts by "admin" (no name, no email), comments waiting,
    an earlier reply by the author, and a mail server that failed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    author = get_user_model().objects.create_superuser("admin", "", ADMIN_PASSWORD)
    demo_load()
    rocky = Post.objects.get(slug=ROCKY.strip("/").split("/")[-1])
    question = CommentFactory(target=rocky, name="Ivan Drago", text="Where was this filmed?")
    comment_reply_as_author(parent=question, author=author, text="In Wyoming, not Russia.")
    CommentFactory(target=rocky, status=Comment.Status.PENDING, text="Waiting for you.")
    ModerationMailFailure.objects.create(
        failed_at=timezone.now() - datetime.timedelta(minutes=5),
        error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    return live_server.url


def _shot(page, name):
    page.wait_for_load_state("load")
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"site-settings-{name}.png", full_page=True)


def test_the_admin_asks_for_what_is_missing_and_the_settings_page_fixes_it(
    first_hour_site, open_page
):
    admin = open_page(viewport=WIDE)
    admin.goto(first_hour_site + "/admin/")
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password").fill(ADMIN_PASSWORD)
    admin.get_by_role("button", name="Log in").click()

    notices = admin.locator(".setup-notices")
    expect(notices).to_contain_text("Readers see “Montage” on your posts and replies")
    expect(notices).to_contain_text("1 comment awaits moderation, and moderation mail has no")
    expect(notices).to_contain_text("Moderation mail could not be sent at")
    expect(notices).to_contain_text("ConnectionRefusedError")
    _shot(admin, "admin-index")
    admin.goto(first_hour_site + "/admin/blog/post/add/")
    expect(admin.get_by_role("link", name="Set your public name")).to_be_visible()
    _shot(admin, "post-form")

    admin.goto(first_hour_site + "/admin/")

    admin.get_by_role("link", name="Set your public name").click()
    expect(admin.locator("h1")).to_have_text("Site settings")
    admin.get_by_label("Your public name").fill("admin")
    admin.get_by_label("Send moderation mail to").fill("ada-at-example.com")
    admin.get_by_label("Time zone").select_option("Asia/Tokyo")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".errorlist").first).to_be_visible()
    expect(
        admin.get_by_text("That is a login name, and readers must never see one.")
    ).to_be_visible()
    expect(admin.get_by_text("Enter an email address such as you@example.com")).to_be_visible()
    expect(admin.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    _shot(admin, "form-errors")

    admin.get_by_label("Your public name").fill("Ada Lovelace")
    admin.get_by_label("Send moderation mail to").fill("ada@example.com")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_text("Site settings saved.")).to_be_visible()
    _shot(admin, "saved")

    admin.goto(first_hour_site + "/admin/")
    expect(admin.locator(".setup-notices")).not_to_contain_text("Set your public name")
    expect(admin.locator(".setup-notices")).not_to_contain_text("no address to go to")

    reader = open_page(viewport=WIDE)
    reader.goto(first_hour_site + ROCKY)
    expect(reader.locator(".post__header .meta")).to_contain_text("By Ada Lovelace")
    reply = reader.locator(".comment__meta", has_text="Author")
    expect(reply.locator(".comment__author")).to_have_text("Ada Lovelace")
    assert "admin" not in reader.content()
    reader.locator(".post__header").screenshot(path=SCREENSHOTS / "site-settings-byline.png")
