"""The Content-Security-Policy, enforced by Chromium: nothing a page needs is blocked.

Each page records every ``securitypolicyviolation`` event and every console message
about the policy (or about the Permissions-Policy header, which Chromium reports there
when it cannot read a feature); a page the policy breaks (an inline style, a script, a
frame from another host) reports one there.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Version

from blog.models import Post
from tests.factories import CommentFactory
from tests.reader_pages import ROCKY, ROCKY_SLUG

ADMIN_PASSWORD = "csp-admin-password"
POLICY_MESSAGES = re.compile(r"Content Security Policy|Permissions.Policy", re.IGNORECASE)
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The test's page, recording what the policy blocks: ``watched.violations()``."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if POLICY_MESSAGES.search(message.text) else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.violations = lambda: page.evaluate("window.cspViolations") + console
    return page


def _visit(page, url):
    response = page.goto(url)
    assert response.ok, (url, response.status)
    assert "content-security-policy" in response.headers
    page.wait_for_load_state("load")
    return page.violations()


def test_a_blocked_inline_script_is_reported_so_a_clean_page_means_something(demo_site, watched):
    """The control: an inline script added to the page is blocked and reported."""
    assert _visit(watched, demo_site + "/") == []
    watched.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    expect(watched.locator("body")).to_be_visible()
    assert watched.evaluate("window.injected") is None
    assert any("script-src" in violation for violation in watched.violations())


def test_the_home_page_and_the_post_page_break_no_rule(demo_site, watched):
    """Home and the Rocky post load their stylesheet, script, posters and JSON-LD cleanly."""
    assert _visit(watched, demo_site + "/") == []
    assert _visit(watched, demo_site + ROCKY) == []
    expect(watched.locator('script[type="application/ld+json"]')).to_have_count(1)


def test_a_markdown_tables_alignment_is_the_one_inline_style_that_applies(demo_site, watched):
    """The body's right-aligned column keeps its alignment under the policy."""
    _visit(watched, demo_site + ROCKY)
    cell = watched.locator('.prose td[style="text-align:right"]').first
    expect(cell).to_have_css("text-align", "right")
    assert watched.violations() == []


def test_playing_the_video_frames_the_player_without_a_violation(demo_site, watched):
    """Play swaps in the youtube-nocookie player, which the policy lets it frame."""
    _visit(watched, demo_site + ROCKY)
    watched.locator("figure.video[data-video] .video__play").first.click()
    iframe = watched.locator("figure.video iframe").first
    expect(iframe).to_have_attribute(
        "src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/")
    )
    watched.frame_locator("figure.video iframe").first.locator("p").wait_for()
    assert watched.violations() == []


def _log_in(page, base_url):
    get_user_model().objects.create_superuser("csp-author", "author@example.com", ADMIN_PASSWORD)
    assert _visit(page, base_url + "/admin/login/") == []
    page.get_by_label("Username").fill("csp-author")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_the_admin_pages_the_author_works_in_break_no_rule(demo_site, watched):
    """Login, index, posts, their history and changes, comments and moderation: all clean."""
    _log_in(watched, demo_site)
    post = Post.objects.get(slug=ROCKY_SLUG)
    version = Version.objects.get_for_object(post).first()
    comment = CommentFactory(target=post, status="pending")
    pages = [
        reverse("admin:index"),
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_add"),
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:blog_post_history", args=[post.pk]),
        reverse("admin:blog_post_changes", args=[post.pk, version.pk]),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:comments_comment_approve", args=[comment.pk]),
    ]
    for path in pages:
        assert _visit(watched, demo_site + path) == [], path
