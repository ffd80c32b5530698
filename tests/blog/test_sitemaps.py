import datetime
import re
import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse
from django.utils import timezone

from blog import sitemaps
from blog.models import Post
from blog.sitemaps import Section
from site_settings.conf import site_settings
from tests.blog.test_pages import VERSION_QUERIES
from tests.factories import (
    CategoryFactory,
    DraftFactory,
    PageFactory,
    PostFactory,
    ScheduledFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
SCHEMA = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"sm": SCHEMA}
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), to the second or a fraction of one.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# The sitemaps.org protocol's cap on one file, uncompressed (protocol.html#index).
FIFTY_MB = 52_428_800


def _at(year, month, day=10):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def _get(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return response


def _urlset(client, path="/sitemap.xml", **extra):
    """A sitemap file's addresses, each with its lastmod (None without one)."""
    root = ET.fromstring(_get(client, path, **extra).content)
    assert root.tag == f"{{{SCHEMA}}}urlset"
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def _index(client):
    root = ET.fromstring(_get(client, reverse("blog:sitemap")).content)
    assert root.tag == f"{{{SCHEMA}}}sitemapindex"
    return [entry.findtext("sm:loc", namespaces=NS) for entry in root.findall("sm:sitemap", NS)]


def _every_address_in_the_index(client):
    addresses = {}
    for location in _index(client):
        assert location.startswith(SITE)
        addresses.update(_urlset(client, location.removeprefix(SITE)))
    return addresses


def _parsed(value):
    return datetime.datetime.fromisoformat(value)


def test_sitemap_lists_every_kind_of_public_address(client):
    """Home, each post, its category and tag, its year and month, the archive and the
    reader indexes are all listed, each as an absolute address."""
    post = PostFactory(published_at=_at(2025, 3), tags=["Rocky"])
    addresses = _urlset(client)
    assert set(addresses) == {
        SITE + reverse("blog:home"),
        SITE + post.get_absolute_url(),
        SITE + post.category.get_absolute_url(),
        SITE + reverse("blog:tag", kwargs={"slug": "rocky"}),
        SITE + reverse("blog:archive"),
        SITE + reverse("blog:archive_year", args=[2025]),
        SITE + reverse("blog:archive_month", args=[2025, 3]),
        SITE + reverse("blog:categories"),
        SITE + reverse("blog:tags"),
    }


def test_sitemap_is_xml_in_the_protocols_namespace(client):
    """The file is served as XML, a urlset of the sitemaps.org 0.9 schema."""
    PostFactory()
    response = _get(client, reverse("blog:sitemap"))
    assert response["Content-Type"] == "application/xml"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert ET.fromstring(response.content).tag == f"{{{SCHEMA}}}urlset"


def test_sitemap_addresses_follow_the_requests_host_and_scheme(client, settings):
    """Behind HTTPS on the real host, every address is https on that host."""
    settings.ALLOWED_HOSTS = ["montage.example"]
    post = PostFactory()
    addresses = _urlset(client, secure=True, HTTP_HOST="montage.example")
    assert f"https://montage.example{post.get_absolute_url()}" in addresses
    assert all(address.startswith("https://montage.example/") for address in addresses)


def test_every_lastmod_is_a_w3c_datetime(client):
    """Each address carries its last change, as a W3C datetime with its offset."""
    PostFactory(tags=["Rocky"])
    lastmods = _urlset(client).values()
    assert all(W3C_DATETIME.match(lastmod) for lastmod in lastmods), lastmods


def test_a_posts_lastmod_is_its_last_edit(client):
    """Editing a post moves its lastmod to the time of the edit."""
    post = PostFactory(published_at=_at(2025, 1))
    Post.objects.filter(pk=post.pk).update(updated_at=_at(2025, 6, 5))
    assert _parsed(_urlset(client)[SITE + post.get_absolute_url()]) == _at(2025, 6, 5)


def test_a_scheduled_post_that_fell_due_is_dated_by_its_publication(client):
    """Saved on one day and published on a later one, a post's lastmod is the later day,
    and so is the home page's: a crawler that came in between saw neither."""
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(hours=1))
    Post.objects.filter(pk=post.pk).update(
        updated_at=post.published_at - datetime.timedelta(days=4)
    )
    addresses = _urlset(client)
    assert _parsed(addresses[SITE + post.get_absolute_url()]) == post.published_at
    assert _parsed(addresses[SITE + reverse("blog:home")]) == post.published_at


def test_category_and_tag_lastmod_is_their_newest_posts_change(client):
    """A category's or tag's lastmod is the latest change among its published posts."""
    category = CategoryFactory()
    older = PostFactory(category=category, tags=["Rocky"], published_at=_at(2025, 1))
    newer = PostFactory(category=category, tags=["Rocky"], published_at=_at(2025, 2))
    Post.objects.filter(pk=older.pk).update(updated_at=_at(2025, 6))
    Post.objects.filter(pk=newer.pk).update(updated_at=_at(2025, 4))
    addresses = _urlset(client)
    assert _parsed(addresses[SITE + category.get_absolute_url()]) == _at(2025, 6)
    assert _parsed(addresses[SITE + reverse("blog:tag", kwargs={"slug": "rocky"})]) == _at(2025, 6)


def test_archive_years_and_months_carry_their_posts_last_change(client):
    """Each archive year and month is listed with the latest change among its posts."""
    march = PostFactory(published_at=_at(2024, 3))
    PostFactory(published_at=_at(2025, 7))
    Post.objects.filter(pk=march.pk).update(updated_at=_at(2024, 8))
    addresses = _urlset(client)
    assert _parsed(addresses[SITE + reverse("blog:archive_month", args=[2024, 3])]) == _at(2024, 8)
    assert _parsed(addresses[SITE + reverse("blog:archive_year", args=[2024])]) == _at(2024, 8)
    assert SITE + reverse("blog:archive_month", args=[2025, 7]) in addresses
    assert SITE + reverse("blog:archive_month", args=[2024, 7]) not in addresses


UNPUBLISHED = {
    "draft": DraftFactory,
    "scheduled": ScheduledFactory,
    "private": lambda **kwargs: PostFactory(status=Post.Status.PRIVATE, **kwargs),
}


@pytest.fixture(params=UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def unpublished(request):
    """A post readers must not see, alone in its category, tag and month."""
    return request.param(
        slug="hidden-post",
        category=CategoryFactory(slug="hidden-category"),
        tags=["hidden-tag"],
        published_at=_at(2023, 2) if request.param is not ScheduledFactory else _at(2099, 2),
    )


def test_an_unpublished_post_never_appears_in_the_sitemap(client, unpublished):
    """A draft, scheduled or private post is not listed."""
    PostFactory(published_at=_at(2025, 3))
    assert not [address for address in _urlset(client) if "hidden-post" in address]


def test_a_category_only_unpublished_posts_use_is_not_listed(client, unpublished):
    """A category whose only posts are unpublished does not give them away."""
    PostFactory(published_at=_at(2025, 3))
    assert SITE + unpublished.category.get_absolute_url() not in _urlset(client)


def test_a_tag_only_unpublished_posts_carry_is_not_listed(client, unpublished):
    """A tag carried only by unpublished posts is not listed."""
    PostFactory(published_at=_at(2025, 3))
    assert not [address for address in _urlset(client) if "hidden-tag" in address]


def test_an_archive_month_only_unpublished_posts_fill_is_not_listed(client, unpublished):
    """Neither the month nor the year of an unpublished post alone is listed."""
    PostFactory(published_at=_at(2025, 3))
    year, month = unpublished.published_at.year, unpublished.published_at.month
    addresses = _urlset(client)
    assert SITE + reverse("blog:archive_month", args=[year, month]) not in addresses
    assert SITE + reverse("blog:archive_year", args=[year]) not in addresses


@pytest.mark.usefixtures("without_page_cache")
def test_unpublished_posts_are_in_no_section_file_either(client, monkeypatch, unpublished):
    """Split into an index, no section file lists an unpublished post or what it alone fills."""
    monkeypatch.setattr(Section, "limit", 2)
    PostFactory.create_batch(3, published_at=_at(2025, 3))
    addresses = " ".join(_every_address_in_the_index(client))
    assert "hidden" not in addresses
    assert "/2023/" not in addresses and "/2099/" not in addresses


def test_an_unpublished_post_leaves_its_shared_category_and_tag_dated_by_the_others(client):
    """A category shared with a draft is listed with the published post's change only."""
    category = CategoryFactory()
    published = PostFactory(category=category, tags=["Rocky"], published_at=_at(2025, 1))
    Post.objects.filter(pk=published.pk).update(updated_at=_at(2025, 2))
    DraftFactory(category=category, tags=["Rocky"])
    addresses = _urlset(client)
    assert _parsed(addresses[SITE + category.get_absolute_url()]) == _at(2025, 2)
    assert _parsed(addresses[SITE + reverse("blog:tag", kwargs={"slug": "rocky"})]) == _at(2025, 2)


def test_an_empty_site_lists_its_home_and_indexes(client):
    """Before anything is published the sitemap still answers, with the pages that exist."""
    assert set(_urlset(client)) == {
        SITE + reverse("blog:home"),
        SITE + reverse("blog:categories"),
        SITE + reverse("blog:tags"),
    }


@pytest.mark.usefixtures("without_page_cache")
def test_sitemap_becomes_an_index_of_section_files_past_one_files_limit(client, monkeypatch):
    """Past the per-file limit /sitemap.xml lists section files, paged with ?p=N, that
    together hold every address the single file held, none over the limit."""
    for month in range(1, 4):
        PostFactory(published_at=_at(2025, month), tags=[f"tag-{month}"])
    whole = _urlset(client)
    monkeypatch.setattr(Section, "limit", 4)
    files = _index(client)
    assert f"{SITE}{reverse('blog:sitemap_section', args=['posts'])}" in files
    assert f"{SITE}{reverse('blog:sitemap_section', args=['archive'])}?p=2" in files
    assert all(len(_urlset(client, file.removeprefix(SITE))) <= 4 for file in files)
    assert _every_address_in_the_index(client) == whole


@pytest.mark.usefixtures("without_page_cache")
def test_sitemap_at_exactly_the_limit_stays_one_file(client, monkeypatch):
    """As many addresses as one file may hold still make one urlset."""
    PostFactory(published_at=_at(2025, 3), tags=["Rocky"])
    monkeypatch.setattr(Section, "limit", len(_urlset(client)))
    assert len(_urlset(client)) == Section.limit


@pytest.mark.usefixtures("without_page_cache")
def test_the_index_carries_each_files_last_change(client, monkeypatch):
    """Each section file in the index has the lastmod of its newest address."""
    post = PostFactory(published_at=_at(2025, 3), tags=["Rocky"])
    Post.objects.filter(pk=post.pk).update(updated_at=_at(2025, 5))
    monkeypatch.setattr(Section, "limit", 1)
    root = ET.fromstring(_get(client, reverse("blog:sitemap")).content)
    lastmods = {
        entry.findtext("sm:lastmod", namespaces=NS) for entry in root.findall("sm:sitemap", NS)
    }
    assert {_parsed(lastmod) for lastmod in lastmods} == {_at(2025, 5)}


@pytest.mark.usefixtures("without_page_cache")
def test_the_index_leaves_out_empty_sections(client, monkeypatch):
    """With no tag in use yet, the index sends crawlers to no empty tag file."""
    PostFactory.create_batch(2, published_at=_at(2025, 3))
    monkeypatch.setattr(Section, "limit", 1)
    files = _index(client)
    assert f"{SITE}{reverse('blog:sitemap_section', args=['posts'])}" in files
    assert f"{SITE}{reverse('blog:sitemap_section', args=['tags'])}" not in files


@pytest.mark.usefixtures("without_page_cache")
def test_a_new_section_is_listed_in_the_file_and_in_the_index(client, monkeypatch):
    """A section added to SECTIONS shows in the single file and, split, in the index."""

    class AboutSitemap(Section):
        def items(self):
            return ["/about/"]

        def location(self, path):
            return path

        def lastmod(self, path):
            return _at(2025, 1)

    monkeypatch.setitem(sitemaps.SECTIONS, "pages", AboutSitemap)
    assert f"{SITE}/about/" in _urlset(client)
    monkeypatch.setattr(Section, "limit", 1)
    assert f"{SITE}{reverse('blog:sitemap_section', args=['pages'])}" in _index(client)


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-nothing.xml",
        "/sitemap.xml?p=2",
        "/sitemap-posts.xml?p=9",
        "/sitemap-posts.xml?p=x",
    ],
)
def test_unknown_section_or_page_is_not_found(client, path):
    """A section that does not exist, or a page past its end, answers 404, never 500."""
    PostFactory()
    assert client.get(path).status_code == 404


def test_the_longest_addresses_keep_a_full_file_under_50_mb(client, settings):
    """Entries as long as slugs and host names can make, times the per-file URL cap,
    stay under the protocol's 50 MB: the URL cap is always the one that binds."""
    host = ".".join(["h" * 63] * 3 + ["e" * 61])  # 253 characters, DNS's longest name
    settings.ALLOWED_HOSTS = [host]
    category = CategoryFactory(slug="c" * 100)
    PostFactory(slug="p" * 200, category=category, tags=["t" * 100])
    body = _get(client, reverse("blog:sitemap"), secure=True, HTTP_HOST=host).content
    longest = max(len(entry) for entry in re.findall(rb"<url>.*?</url>", body))
    assert longest * Section.limit < FIFTY_MB


@pytest.mark.parametrize("posts", [1, 12])
def test_sitemap_query_count_does_not_grow_with_posts(client, django_assert_num_queries, posts):
    """Few or many posts, pages, categories, tags and months cost the sitemap the same."""
    for number in range(posts):
        PostFactory(published_at=_at(2020 + number % 4, 1 + number % 12), tags=[f"tag-{number}"])
        PageFactory(slug=f"page-{number}")
    site_settings()
    with django_assert_num_queries(VERSION_QUERIES + 11):
        client.get(reverse("blog:sitemap"))


@pytest.mark.parametrize("posts", [3, 12])
def test_sitemap_index_query_count_does_not_grow_with_posts(
    client, django_assert_num_queries, monkeypatch, posts
):
    """Split into an index, the sitemap still costs the same queries however many posts."""
    monkeypatch.setattr(Section, "limit", 2)
    for number in range(posts):
        PostFactory(published_at=_at(2020 + number % 4, 1 + number % 12), tags=[f"tag-{number}"])
        PageFactory(slug=f"page-{number}")
    site_settings()
    with django_assert_num_queries(VERSION_QUERIES + 11):
        client.get(reverse("blog:sitemap"))


def _robots(client):
    response = _get(client, "/robots.txt")
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return response, parser


def test_robots_txt_is_plain_text_naming_the_sitemaps_absolute_address(client, settings):
    """robots.txt is plain text and names the sitemap at its absolute https address."""
    settings.ALLOWED_HOSTS = ["montage.example"]
    response = client.get("/robots.txt", secure=True, HTTP_HOST="montage.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    assert parser.site_maps() == ["https://montage.example/sitemap.xml"]


def test_robots_txt_keeps_crawlers_out_of_admin_comment_endpoint_and_search(client):
    """Crawlers are told to stay out of the admin, the comment POST endpoint and search results."""
    _, parser = _robots(client)
    for path in [
        reverse("admin:index"),
        reverse("admin:blog_post_changelist"),
        reverse("comments:post"),
        reverse("blog:search") + "?q=rocky",
        reverse("subscriptions:confirm", args=["a-readers-token"]),
        reverse("subscriptions:unsubscribe", args=["a-readers-token"]),
    ]:
        assert not parser.can_fetch("Googlebot", SITE + path), path


def test_robots_txt_lets_crawlers_read_every_public_page(client):
    """Home, posts, categories, tags, archives, indexes and the sitemap stay open to crawlers."""
    post = PostFactory(tags=["Rocky"])
    _, parser = _robots(client)
    for path in [
        reverse("blog:home"),
        post.get_absolute_url(),
        post.category.get_absolute_url(),
        reverse("blog:tag", kwargs={"slug": "rocky"}),
        reverse("blog:archive"),
        reverse("blog:archive_month", args=[2025, 3]),
        reverse("blog:categories"),
        reverse("blog:tags"),
        reverse("blog:sitemap"),
        reverse("subscriptions:subscribe"),
    ]:
        assert parser.can_fetch("Googlebot", SITE + path), path


def test_published_pages_are_listed_and_unpublished_ones_never(client):
    """About and Contact are in the sitemap with their last change; a draft page is not."""
    about = PageFactory(slug="about")
    PageFactory(slug="secret-plans", status=Post.Status.DRAFT)
    PageFactory(slug="private-notes", status=Post.Status.PRIVATE)
    addresses = _urlset(client)
    assert _parsed(addresses[f"{SITE}/about/"]) == about.updated_at
    assert not [address for address in addresses if "secret" in address or "private" in address]


def test_more_tags_than_their_file_holds_make_the_sitemap_an_index(client, monkeypatch):
    """Tags have a lower limit (long Unicode slugs): past it the sitemap is an index."""
    monkeypatch.setattr(sitemaps.TagSitemap, "limit", 1)
    PostFactory(tags=["Café Müller", "Rocky"])
    assert f"{SITE}/sitemap-tags.xml?p=2" in _index(client)
