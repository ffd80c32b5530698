from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from blog import feeds, sitemaps, views

app_name = "blog"


class TagSlugConverter(SlugConverter):
    """taggit keeps letters beyond ASCII in a tag's slug ("café-müller"); so do its URLs."""

    regex = r"[-\w]+"


register_converter(TagSlugConverter, "tag_slug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<tag_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("categories/", views.CategoryIndex.as_view(), name="categories"),
    path("tags/", views.TagIndex.as_view(), name="tags"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Feeds: RSS 2.0 at .../feed/, Atom 1.0 at .../feed/atom/.
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteFeed(atom=True), name="feed_atom"),
    path("feed/comments/", feeds.CommentsFeed(), name="comments_feed"),
    path("feed/comments/atom/", feeds.CommentsFeed(atom=True), name="comments_feed_atom"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path(
        "category/<slug:slug>/feed/atom/",
        feeds.CategoryFeed(atom=True),
        name="category_feed_atom",
    ),
    path("tag/<tag_slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<tag_slug:slug>/feed/atom/", feeds.TagFeed(atom=True), name="tag_feed_atom"),
    path("posts/<slug:slug>/feed/", feeds.PostCommentsFeed(), name="post_comments_feed"),
    path(
        "posts/<slug:slug>/feed/atom/",
        feeds.PostCommentsFeed(atom=True),
        name="post_comments_feed_atom",
    ),
    # Last: a page's address is any slug the patterns above (and the project's) leave.
    path("<slug:slug>/", views.page_detail, name="page"),
]
