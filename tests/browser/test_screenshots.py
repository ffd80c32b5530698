"""Full-page screenshots of the main pages at phone and desktop widths, in both themes.

They are saved to tests/browser/screenshots/ (gitignored) for a person to look at.
"""

from pathlib import Path

import pytest

from tests.factories import CategoryFactory, CommentFactory, PostFactory

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PAGES = {"home": "/", "post": "/posts/rocky-training-in-russia-rocky-iv/", "page": "/about/"}
VIEWPORTS = {390: 844, 1280: 900}  # an iPhone 12 to 15 screen, and a laptop
SCHEMES = ["light", "dark"]
SCROLL_THROUGH = """async () => {
    for (let top = 0; top < document.documentElement.scrollHeight; top += innerHeight) {
        scrollTo(0, top);
        await new Promise(requestAnimationFrame);
    }
    await Promise.all([...document.images].map(img => img.decode()));
}"""


def _show(open_page, url, *, width, scheme):
    page = open_page(viewport={"width": width, "height": VIEWPORTS[width]}, color_scheme=scheme)
    page.goto(url, wait_until="load")
    # Scroll down a screen at a time, as a reader would, so every lazy poster loads.
    page.evaluate(SCROLL_THROUGH)
    page.evaluate("window.scrollTo(0, 0)")
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_width(demo_site, open_page, name, width, scheme):
    """The page never scrolls sideways; a full-page screenshot is saved for review."""
    page = _show(open_page, demo_site + PAGES[name], width=width, scheme=scheme)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png", full_page=True)

    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width


@pytest.mark.parametrize("name", PAGES)
def test_dark_scheme_changes_the_body_text_colour(demo_site, open_page, name):
    """The body text has a different colour in the dark scheme than in the light one."""
    colours = {}
    for scheme in SCHEMES:
        page = open_page(color_scheme=scheme)
        page.goto(demo_site + PAGES[name])
        colours[scheme] = page.evaluate("getComputedStyle(document.body).color")
    assert colours["light"] != colours["dark"]


LONG_WORD = "Supercalifragilisticexpialidociousandevenlongerthanthatonanyphone"


def test_long_words_wrap_instead_of_widening_a_phone_page(
    transactional_db, live_server, open_page
):
    """A category, a title, a commenter's name or a search nobody can break still fits."""
    category = CategoryFactory(name=LONG_WORD, slug="long")
    post = PostFactory(title=f"A {LONG_WORD} title", category=category, body=LONG_WORD)
    CommentFactory(target=post, name=LONG_WORD, text=LONG_WORD)
    for address in ["/", "/category/long/", post.get_absolute_url(), f"/search/?q={LONG_WORD}"]:
        page = open_page(viewport={"width": 390, "height": 844})
        page.goto(live_server.url + address, wait_until="load")
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, address
