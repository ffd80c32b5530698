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
