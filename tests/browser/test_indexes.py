"""The category and tag indexes in Chromium: they fit a phone, axe finds nothing, and a
full-page screenshot of each is saved to tests/browser/screenshots/ for a person to look at."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
INDEXES = {"categories": "/categories/", "tags": "/tags/", "archive": "/archive/"}
VIEWPORTS = {390: 844, 1280: 900}  # an iPhone 12 to 15 screen, and a laptop


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("name", INDEXES)
def test_index_fits_the_screen_and_axe_finds_nothing(demo_site, open_page, name, width, scheme):
    """An index never scrolls sideways and has no axe-core violation, in either theme."""
    page = open_page(viewport={"width": width, "height": VIEWPORTS[width]}, color_scheme=scheme)
    page.goto(demo_site + INDEXES[name], wait_until="load")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png", full_page=True)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_reader_goes_from_the_archive_to_a_tag_through_the_index(demo_site, page):
    """From the archive a reader opens the tag index and reaches a tag's posts."""
    page.goto(demo_site + "/archive/")
    page.get_by_role("link", name="by tag").click()
    # One of the demo's three Kenny Loggins posts is not published yet: it does not count.
    # The count's hidden word sits in a flex chip, so Chromium may name it "(2 posts )".
    page.get_by_role("link", name=re.compile(r"^Kenny Loggins\s\(2 posts\s?\)$")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tagged “Kenny Loggins”"
