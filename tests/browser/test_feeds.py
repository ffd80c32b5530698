import feedparser
from playwright.sync_api import expect

ROCKY = "Rocky training in Russia [Rocky IV]"


def test_a_reader_follows_the_feed_link_from_the_home_page_and_gets_the_feed(demo_site, page):
    """The footer's RSS link on the home page is visible and leads to a valid feed."""
    page.goto(demo_site + "/")
    link = page.get_by_role("contentinfo").get_by_role("link", name="RSS feed")
    expect(link).to_be_visible()
    with page.expect_response(demo_site + "/feed/") as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0
    assert ROCKY in [entry.title for entry in feed.entries]


def test_a_feed_reader_finds_the_feeds_named_in_the_head(demo_site, page):
    """The head of the home page names the RSS and Atom feeds a reader's app subscribes to."""
    page.goto(demo_site + "/")
    alternates = page.locator('head link[rel="alternate"]')
    expect(alternates).to_have_count(2)
    for href in (alternates.nth(0).get_attribute("href"), alternates.nth(1).get_attribute("href")):
        response = page.request.get(demo_site + href)
        assert response.ok
        assert feedparser.parse(response.body()).bozo == 0
