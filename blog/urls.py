from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from blog import feeds, sitemaps, views
from page_cache.decorators import cacheable

app_name = "blog"


class TagSlugConverter(SlugConverter):
    """taggit keeps letters beyond ASCII in a tag's slug ("café-müller"); so do its URLs."""

    regex = r"[-\w]+"


register_converter(TagSlugConverter, "tag_slug")

# Every reader page and feed is the same for each reader without a cookie of their own:
# the page cache may store it (page_cache/middleware.py).
urlpatterns = [
    path("", cacheable(views.HomeView.as_view()), name="home"),
    path("posts/<slug:slug>/", cacheable(views.post_detail), name="post"),
    path("category/<slug:slug>/", cacheable(views.CategoryView.as_view()), name="category"),
    path("tag/<tag_slug:slug>/", cacheable(views.TagView.as_view()), name="tag"),
    path("archive/", cacheable(views.ArchiveView.as_view()), name="archive"),
    path("archive/<int:year>/", cacheable(views.YearArchive.as_view()), name="archive_year"),
    path(
        "archive/<int:year>/<int:month>/",
        cacheable(views.MonthArchive.as_view()),
        name="archive_month",
    ),
    path("search/", cacheable(views.SearchView.as_view()), name="search"),
    path("categories/", cacheable(views.CategoryIndex.as_view()), name="categories"),
    path("tags/", cacheable(views.TagIndex.as_view()), name="tags"),
    path("sitemap.xml", cacheable(sitemaps.sitemap), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml", cacheable(sitemaps.sitemap_section), name="sitemap_section"
    ),
    path("robots.txt", cacheable(sitemaps.robots_txt), name="robots"),
    # Feeds: RSS 2.0 at .../feed/, Atom 1.0 at .../feed/atom/.
    path("feed/", cacheable(feeds.SiteFeed()), name="feed"),
    path("feed/atom/", cacheable(feeds.SiteFeed(atom=True)), name="feed_atom"),
    path("feed/comments/", cacheable(feeds.CommentsFeed()), name="comments_feed"),
    path(
        "feed/comments/atom/", cacheable(feeds.CommentsFeed(atom=True)), name="comments_feed_atom"
    ),
    path("category/<slug:slug>/feed/", cacheable(feeds.CategoryFeed()), name="category_feed"),
    path(
        "category/<slug:slug>/feed/atom/",
        cacheable(feeds.CategoryFeed(atom=True)),
        name="category_feed_atom",
    ),
    path("tag/<tag_slug:slug>/feed/", cacheable(feeds.TagFeed()), name="tag_feed"),
    path(
        "tag/<tag_slug:slug>/feed/atom/", cacheable(feeds.TagFeed(atom=True)), name="tag_feed_atom"
    ),
    path(
        "posts/<slug:slug>/feed/", cacheable(feeds.PostCommentsFeed()), name="post_comments_feed"
    ),
    path(
        "posts/<slug:slug>/feed/atom/",
        cacheable(feeds.PostCommentsFeed(atom=True)),
        name="post_comments_feed_atom",
    ),
    # Last: a page's address is any slug the patterns above (and the project's) leave.
    path("<slug:slug>/", cacheable(views.page_detail), name="page"),
]
