"""The sitemap and robots.txt: what crawlers may read, and every address readers can reach.

``/sitemap.xml`` is one ``<urlset>`` while every address fits in one file, and becomes
an index of per-section files (``/sitemap-posts.xml?p=2``...) once they do not. Every
section starts from ``Post.objects.published()``, so a draft, scheduled or private post
never shows, nor a category, tag or archive month that only such posts fill.

A new section is a ``Section`` whose items know their address (``get_absolute_url()``)
and carry a ``last_change``, and one line in ``SECTIONS``, as ``PageSitemap`` shows.

Served without ``django.contrib.sites``: Django's views fall back to a ``RequestSite``,
so addresses are absolute on the host and scheme the request came in on.
"""

from datetime import datetime
from typing import NamedTuple

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property

from blog.models import Page, Post, changed_for_readers


class Section(Sitemap):
    """A part of the sitemap: a file of its own (or several) once it is an index."""

    # A sitemap file holds at most 50,000 URLs and 50 MB uncompressed (sitemaps.org,
    # https://www.sitemaps.org/protocol.html#index). Addresses here are ASCII slugs of at
    # most 200 characters on a host name of at most 253, so an entry stays under 600 bytes
    # and a full file under 30 MB: the URL cap binds first. Tags are the exception below.
    limit = 50_000

    @cached_property
    def paginator(self):
        # Counted once a request: Django's Sitemap builds a new paginator on every access.
        return Paginator(self._items(), self.limit)

    def lastmod(self, item):
        return item.last_change


class NamedPagesSitemap(Section):
    """Pages that list published posts: they change when any published post does."""

    url_names = []

    def items(self):
        return self.url_names

    def location(self, url_name):
        return reverse(url_name)

    def lastmod(self, url_name):
        return self.latest

    @cached_property
    def latest(self):
        return Post.objects.published().last_change()

    def get_latest_lastmod(self):
        return self.latest


class HomeSitemap(NamedPagesSitemap):
    url_names = ["blog:home"]


class ReaderIndexSitemap(NamedPagesSitemap):
    url_names = ["blog:categories", "blog:tags"]


class PostSitemap(Section):
    def items(self):
        return (
            Post.objects.published()
            .annotate(last_change=changed_for_readers())
            .only("slug", "kind")
            .order_by("-published_at", "-pk")
        )

    def get_latest_lastmod(self):
        return Post.objects.published().last_change()


class PageSitemap(Section):
    def items(self):
        return (
            Page.objects.published()
            .annotate(last_change=changed_for_readers())
            .only("slug", "kind")
            .order_by("slug")
        )

    def get_latest_lastmod(self):
        return Page.objects.published().last_change()


class CategorySitemap(Section):
    def items(self):
        return Post.objects.published().categories_in_use()

    def get_latest_lastmod(self):
        return Post.objects.published().filter(category__isnull=False).last_change()


class TagSitemap(Section):
    # A tag's slug keeps letters beyond ASCII: 100 of them percent-encoded take up to
    # 1,200 bytes, so 20,000 entries keep a file under 30 MB.
    limit = 20_000

    def items(self):
        return Post.objects.published().tags_in_use()

    def location(self, tag):
        return reverse("blog:tag", kwargs={"slug": tag.slug})

    def get_latest_lastmod(self):
        return Post.objects.published().filter(tags__isnull=False).last_change()


class ArchivePage(NamedTuple):
    url_name: str
    args: tuple
    last_change: datetime


class ArchiveSitemap(Section):
    """The archive index, and each year and month that has a published post."""

    def items(self):
        return self.pages

    @cached_property
    def pages(self):
        # Months in the current time zone, the site's, as the archive views count them.
        months = (
            Post.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(last_change=Max(changed_for_readers()))
            .order_by("-month")
        )
        month_pages = [
            ArchivePage(
                "blog:archive_month", (row["month"].year, row["month"].month), row["last_change"]
            )
            for row in months
        ]
        years = {}
        for page in month_pages:
            year = page.args[0]
            years[year] = max(years.get(year, page.last_change), page.last_change)
        year_pages = [
            ArchivePage("blog:archive_year", (year,), changed) for year, changed in years.items()
        ]
        index = [ArchivePage("blog:archive", (), max(years.values()))] if years else []
        return index + year_pages + month_pages

    def location(self, page):
        return reverse(page.url_name, args=page.args)


SECTIONS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "archive": ArchiveSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "indexes": ReaderIndexSitemap,
}


def sitemap(request):
    """Every address in one file while they fit in one, else an index of section files."""
    sections = {name: section() for name, section in SECTIONS.items()}
    total = sum(section.paginator.count for section in sections.values())
    if total <= Section.limit and all(s.paginator.num_pages == 1 for s in sections.values()):
        return sitemap_views.sitemap(request, sections, template_name="blog/sitemap.xml")
    # An empty section (no tag in use yet) would send crawlers to a file with no address.
    filled = {name: section for name, section in sections.items() if section.paginator.count}
    return sitemap_views.index(request, filled, sitemap_url_name="blog:sitemap_section")


def sitemap_section(request, section):
    """One section's file, a page of it with ``?p=N``: what the index lists."""
    return sitemap_views.sitemap(
        request, SECTIONS, section=section, template_name="blog/sitemap.xml"
    )


def robots_txt(request):
    """Keeps crawlers out of what is not a page to index, and names the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("blog:sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )
