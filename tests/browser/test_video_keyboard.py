"""Playing the video from the keyboard, and the way out to YouTube once it plays."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROCKY = "/posts/rocky-training-in-russia-rocky-iv/"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
NOCOOKIE_EMBED = re.compile(r"^https://www\.youtube-nocookie\.com/embed/")
WATCH = re.compile(r"^https://www\.youtube\.com/watch\?v=")


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_the_play_button_starts_the_player_with_enter_and_space(demo_site, page, key):
    """Focused on the play button, Enter or Space swaps in the player without scrolling."""
    page.goto(demo_site + ROCKY)
    figure = page.locator("figure.video[data-video]").first
    play = figure.locator(".video__play")
    expect(play).to_have_role("button")
    watch = figure.get_by_role("link", name="Watch on YouTube")
    expect(watch).to_be_hidden()

    play.focus()
    scrolled_before = page.evaluate("scrollY")
    page.keyboard.press(key)

    iframe = figure.locator("iframe")
    expect(iframe).to_have_attribute("src", NOCOOKIE_EMBED)
    expect(iframe).to_be_focused()
    assert page.evaluate("scrollY") == scrolled_before
    expect(watch).to_be_visible()
    expect(watch).to_have_attribute("href", WATCH)
    SCREENSHOTS.mkdir(exist_ok=True)
    figure.screenshot(path=SCREENSHOTS / f"video-after-play-{key.lower()}.png")


def test_after_a_chapter_the_watch_link_opens_youtube_at_its_time(demo_site, page):
    """Pressing a track's time leaves a Watch on YouTube link at that track's start."""
    page.goto(demo_site + ROCKY)
    page.locator("li.track", has_text="Training Montage").locator("a.track__time").focus()
    page.keyboard.press("Enter")

    figure = page.locator("figure.video[data-video]").first
    expect(figure.locator("iframe")).to_have_attribute("src", re.compile(r"[?&]start=192(&|$)"))
    watch = figure.get_by_role("link", name="Watch on YouTube")
    expect(watch).to_be_visible()
    expect(watch).to_have_attribute(
        "href", re.compile(r"^https://www\.youtube\.com/watch\?v=\w+.*[?&]t=192s")
    )
    figure.screenshot(path=SCREENSHOTS / "video-after-chapter.png")
