"""The post body as a reader meets it: footnotes that jump both ways, a readable table."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

ROCKY = "/posts/rocky-training-in-russia-rocky-iv/"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def test_a_footnote_jumps_to_its_note_and_back(demo_site, page):
    """Pressing a footnote number shows the note; its back link returns to the sentence."""
    page.goto(demo_site + ROCKY)
    reference = page.locator(".prose sup a", has_text="1")
    reference.click()
    expect(page).to_have_url(demo_site + ROCKY + "#body-fn:1")
    note = page.locator("li#body-fn\\:1")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("My own name for the middle of the decade")
    note.get_by_title("Back to the text of note 1").click()
    expect(page).to_have_url(demo_site + ROCKY + "#body-fnref:1")
    expect(page.locator("sup#body-fnref\\:1")).to_be_in_viewport()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_body_table_is_readable_and_fits_a_phone(demo_site, open_page, scheme):
    """The table's header stands out, numbers align right, and it never widens the page."""
    page = open_page(viewport={"width": 320, "height": 700}, color_scheme=scheme)
    page.goto(demo_site + ROCKY)
    table = page.locator(".prose table")
    expect(table.locator("th").first).to_have_text("Single")
    peak = table.locator("td", has_text="No. 22")
    assert peak.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    colours = table.locator("td").first.evaluate(
        "cell => [getComputedStyle(cell).color, getComputedStyle(document.body).color]"
    )
    assert colours[0] == colours[1]
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width
    SCREENSHOTS.mkdir(exist_ok=True)
    table.scroll_into_view_if_needed()
    table.screenshot(path=SCREENSHOTS / f"body-table-320-{scheme}.png")
    page.locator(".prose ol").last.screenshot(path=SCREENSHOTS / f"body-footnotes-{scheme}.png")


def test_the_author_reads_the_formatting_help_and_is_told_what_saving_removed(demo_site, page):
    """Formatting opens under the body; saving a pasted iframe says it was removed, and why."""
    from blog.models import Post
    from tests.browser.test_comment_journey import _log_in_to_admin

    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in_to_admin(page, demo_site)
    post = Post.objects.get(slug=ROCKY.strip("/").split("/")[-1])
    page.goto(f"{demo_site}/admin/blog/post/{post.pk}/change/")
    help_list = page.locator(".formatting-help ul")
    expect(help_list).to_be_hidden()
    page.locator(".formatting-help summary").click()
    expect(help_list).to_contain_text("Footnotes")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator(".form-row.field-body").screenshot(path=SCREENSHOTS / "admin-body-help.png")

    body = page.locator("#id_body")
    body.fill(body.input_value() + '\n\n<iframe src="https://www.youtube.com/embed/x"></iframe>')
    page.get_by_role("button", name="Save and continue editing").click()
    warning = page.locator(".messagelist .warning")
    expect(warning).to_have_text(
        "Readers do not see this part of the body: <iframe> (embedded frames are not "
        "allowed; add the video in the Videos section). It stays in your text until you "
        "take it out."
    )
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.locator(".messagelist").screenshot(path=SCREENSHOTS / "admin-body-removed.png")
