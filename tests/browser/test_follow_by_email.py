"""Follow by email in a real browser: subscribe, confirm from the email, receive the next
post, unsubscribe in one click. The mail is read from ``mail.outbox``: the live server
runs in this process, with Django's test mail backend and tasks run as they are queued.
Screenshots of the subscribe pages are saved to tests/browser/screenshots/ (gitignored).
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from blog.models import Post
from subscriptions.models import Subscriber
from tests.factories import DraftFactory

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LINK = re.compile(r"https?://\S+")


def _link(message, part):
    [link] = [link for link in LINK.findall(message.body) if part in link]
    return link


@pytest.fixture
def site(demo_site, settings):
    settings.MONTAGE_SITE_URL = demo_site
    mail.outbox.clear()
    return demo_site


def test_a_reader_subscribes_confirms_gets_the_next_post_and_unsubscribes(site, page):
    """The whole journey, each step as a reader does it, and each email as it arrives."""
    page.goto(site + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Subscribe by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow by email")
    page.get_by_label("Your email address").fill("reader@example.com")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    [confirmation] = mail.outbox
    assert confirmation.to == ["reader@example.com"]
    page.goto(_link(confirmation, "/subscribe/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You're subscribed")

    post = DraftFactory(title="Drago's training, frame by frame")
    post.status = Post.Status.PUBLISHED
    post.save()
    [announcement] = mail.outbox[1:]
    assert announcement.subject == "Drago's training, frame by frame"
    page.goto(_link(announcement, post.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)

    page.goto(_link(announcement, "/subscribe/unsubscribe/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You're unsubscribed")
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    page.get_by_role("button", name="Subscribe again to new posts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're subscribed again")


def test_a_mail_clients_one_click_unsubscribe_works_without_a_page(site, page):
    """The List-Unsubscribe URL takes the mail client's bare POST (RFC 8058) and stops mail."""
    page.goto(site + "/subscribe/")
    page.get_by_label("Your email address").fill("reader@example.com")
    page.get_by_role("button", name="Subscribe").click()
    [confirmation] = mail.outbox
    header = confirmation.extra_headers["List-Unsubscribe"].strip("<>")
    response = page.request.post(
        header,
        form={"List-Unsubscribe": "One-Click"},
        headers={"Origin": "https://mail.example"},
    )
    assert response.status == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def _shot_and_check(page, name):
    """A screenshot for a person to look at; axe-core finds no WCAG violation."""
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_subscribe_pages_screenshots_and_accessibility(site, open_page, scheme):
    """The form, the form with an error, and the pages after it, in both themes."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page = open_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page.goto(site + "/subscribe/")
    _shot_and_check(page, f"subscribe-{scheme}")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Your email address")).to_have_value("not an address")
    _shot_and_check(page, f"subscribe-error-{scheme}")
    page.get_by_label("Your email address").fill("reader@example.com")
    page.get_by_role("button", name="Subscribe").click()
    _shot_and_check(page, f"subscribe-sent-{scheme}")
    page.goto(_link(mail.outbox[0], "/subscribe/unsubscribe/"))
    _shot_and_check(page, f"unsubscribed-{scheme}")
