import re

from playwright.sync_api import expect

from tests.browser.images import assert_image_shows

ROCKY = "/posts/rocky-training-in-russia-rocky-iv/"
NOCOOKIE_EMBED = re.compile(r"^https://www\.youtube-nocookie\.com/embed/")
# LOOK.md, "Principles": the post page before play weighs under 50 KB of HTML+CSS+JS.
PAGE_WEIGHT_BUDGET = 50 * 1024


def test_reader_reaches_the_post_and_plays_the_video_from_a_chapter(demo_site, page):
    """A reader goes from home to the Rocky post, plays the video and jumps to a chapter."""
    page.goto(demo_site + "/")
    page.locator("a.read-more").first.click()

    expect(page).to_have_url(demo_site + ROCKY)
    expect(page.locator("h1")).to_have_text("Rocky training in Russia [Rocky IV]")
    expect(page.locator("ol.tracklist li.track")).to_have_count(6)
    figure = page.locator("figure.video[data-video]").first
    frame = figure.locator(".video__frame")
    expect(frame.locator("img.poster")).to_be_visible()
    assert_image_shows(frame.locator("img.poster"))
    page.wait_for_load_state("load")
    assert [url for url in page.requested_urls if not url.startswith(demo_site + "/")] == []

    box_before = frame.bounding_box()
    frame.locator("a.video__play").click()
    iframe = frame.locator("iframe")
    expect(iframe).to_have_attribute("src", NOCOOKIE_EMBED)
    expect(iframe).to_have_attribute("title", re.compile(r"\S"))
    expect(iframe).to_be_focused()
    expect(frame.locator("img.poster")).to_have_count(0)
    assert any(NOCOOKIE_EMBED.match(url) for url in page.requested_urls)
    box_after = frame.bounding_box()
    for side in ("x", "y", "width", "height"):
        assert abs(box_after[side] - box_before[side]) <= 1, side

    row = page.locator("li.track", has_text="Training Montage")
    row.locator("a.track__time").click()
    expect(iframe).to_have_attribute("src", re.compile(r"[?&]start=192(&|$)"))
    expect(row).to_have_attribute("aria-current", "true")
    expect(row.get_by_text("Now playing")).to_be_visible()
    expect(page.locator("li.track[aria-current]")).to_have_count(1)


def test_without_javascript_the_video_and_chapters_link_to_youtube(demo_site, open_page):
    """Without JavaScript, play opens the video on YouTube and a chapter opens it at its time."""
    page = open_page(java_script_enabled=False)
    page.goto(demo_site + ROCKY)

    play = page.locator("figure.video a.video__play").first
    expect(play).to_have_attribute("href", re.compile(r"^https://www\.youtube\.com/watch\?v="))
    chapter = page.locator("li.track", has_text="Training Montage").locator("a.track__time")
    chapter.click()
    expect(page).to_have_url(re.compile(r"^https://www\.youtube\.com/watch\?v=\w+.*[?&]t=192s"))


def test_post_page_before_play_weighs_under_50_kb_of_html_css_and_js(demo_site, page):
    """The post page's HTML, CSS and JavaScript add up to less than 50 KB before play."""
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(demo_site + ROCKY, wait_until="load")

    weights = {
        response.url: len(response.body())
        for response in responses
        if response.request.resource_type in {"document", "stylesheet", "script"}
    }
    assert {"document", "stylesheet", "script"} <= {
        response.request.resource_type for response in responses
    }
    assert sum(weights.values()) < PAGE_WEIGHT_BUDGET, weights
