"""The admin's post and comment lists fit a laptop screen, and a comment is moderated
from its row with one click."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from tests.browser.test_comment_journey import _log_in_to_admin
from tests.browser.test_screenshots import SCREENSHOTS
from tests.factories import CommentFactory

LISTS = {"posts": "/admin/blog/post/", "comments": "/admin/comments/comment/"}


def _pending_comments(post):
    CommentFactory(
        target=post,
        name="Ivan Drago, Soviet Union heavyweight",
        email="ivan.drago.the.siberian.express@example.com",
        text="If he dies, he dies. " * 10,
        status=Comment.Status.PENDING,
    )
    CommentFactory(
        target=post, name="Adrian", text="Go for it, Rocky.", status=Comment.Status.PENDING
    )


@pytest.mark.parametrize("name", LISTS)
def test_admin_list_shows_every_column_at_1280_with_the_sidebar_open(demo_site, open_page, name):
    _pending_comments(Post.objects.order_by("-published_at").first())
    page = open_page(viewport={"width": 1280, "height": 800})
    _log_in_to_admin(page, demo_site)
    page.goto(demo_site + LISTS[name])
    expect(page.locator("#nav-sidebar")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-{name}-1280.png")

    table = page.locator("#result_list")
    overflow = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
    assert overflow <= 0
    for cell in page.locator("#result_list thead th").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, cell.inner_text()


def test_approving_a_comment_from_its_row_takes_it_off_the_pending_list(demo_site, page):
    post = Post.objects.order_by("-published_at").first()
    _pending_comments(post)
    drago = Comment.objects.get(name__startswith="Ivan Drago")
    _log_in_to_admin(page, demo_site)
    queue = f"{demo_site}/admin/comments/comment/?status=pending&q=Ivan"
    page.goto(queue)
    row = page.locator("#result_list tbody tr", has_text="Ivan Drago")

    row.get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist")).to_contain_text("The comment was approved.")
    assert page.url == queue
    expect(page.locator("#result_list tbody tr", has_text="Ivan Drago")).to_have_count(0)
    drago.refresh_from_db()
    assert drago.status == Comment.Status.APPROVED


def test_settings_page_says_which_environment_value_it_overrides(
    live_server, transactional_db, page, monkeypatch
):
    monkeypatch.setenv("COMMENTS_MAX_LINKS", "3")
    DiscussionSettings(max_links=5).save()
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/comments/discussionsettings/")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-discussion-settings-1280.png", full_page=True)

    expect(page.locator(".form-row.field-max_links")).to_contain_text(
        "COMMENTS_MAX_LINKS=3 is set in the environment; the value saved here applies."
    )
    expect(page.get_by_label("Hold comments with this many links")).to_have_value("5")
