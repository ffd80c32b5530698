"""axe-core in Chromium finds nothing to fix on any reader page, in light or dark.

The pages are tests/reader_pages.py's: one line there adds a page to this check.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.reader_pages import PLAY, READER_PAGES, ROCKY_SLUG, SUBMIT_EMPTY


def _press_play(page):
    page.locator("a.video__play").first.click()
    expect(page.locator("figure.video iframe").first).to_be_focused()


def _submit_the_comment_form_empty(page):
    page.locator(".comment-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()


ACTIONS = {PLAY: _press_play, SUBMIT_EMPTY: _submit_the_comment_form_empty}


# axe runs its experimental rules only when asked (axe-core 4.12, `axe.getRules()`); the
# one asked for here checks WCAG 2.5.3 Label in Name. Of the others, p-as-heading takes a
# track's title for a heading; docs/quality.md says why that is not one.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def _describe(violations_by_scheme):
    lines = []
    for scheme, violations in violations_by_scheme.items():
        lines.append(f"{scheme}: {len(violations)} axe violation(s)")
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {' '.join(map(str, n['target']))}" for n in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("name", READER_PAGES)
def test_page_has_no_axe_violations_in_light_or_dark(demo_site, page, axe, name):
    """Every reader page passes axe-core in the light and in the dark theme."""
    path, action, status = READER_PAGES[name]
    published_at = timezone.localtime(Post.objects.get(slug=ROCKY_SLUG).published_at)
    url = demo_site + path.format(year=published_at.year, month=published_at.month)
    response = page.goto(url)
    if action:
        ACTIONS[action](page)
    else:
        assert response.status == status

    found = {}
    # One load, both themes: switching the emulated scheme restyles the page in place.
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        found[scheme] = axe.run(page, options=AXE_OPTIONS).response["violations"]

    assert found == {"light": [], "dark": []}, _describe(found)
