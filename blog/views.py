from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_http_methods
from django.views.generic import ArchiveIndexView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from blog.models import Category, Credit, Post
from comments.views import comment_post, comment_section

RELATED_POSTS = 3
ARTICLE_CACHE_SECONDS = 24 * 3600


class PublishedPostsMixin:
    """What every reader's list of posts shares: published posts only, newest first."""

    paginate_by = settings.MONTAGE_POSTS_PER_PAGE
    date_field = "published_at"
    allow_empty = True

    def get_queryset(self):
        return Post.objects.published().for_listing()


class HomeView(PublishedPostsMixin, ListView):
    template_name = "blog/home.html"


class CategoryView(PublishedPostsMixin, ListView):
    template_name = "blog/post_category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagView(PublishedPostsMixin, ListView):
    template_name = "blog/post_tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveView(PublishedPostsMixin, ArchiveIndexView):
    template_name = "blog/post_archive.html"
    date_list_period = "month"
    paginate_by = 50


class YearArchive(PublishedPostsMixin, YearArchiveView):
    template_name = "blog/post_archive_year.html"
    make_object_list = True
    paginate_by = 50
    allow_empty = False


class MonthArchive(PublishedPostsMixin, MonthArchiveView):
    template_name = "blog/post_archive_month.html"
    month_format = "%m"
    paginate_by = 50
    allow_empty = False


class SearchView(PublishedPostsMixin, ListView):
    template_name = "blog/search.html"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def _neighbour(published, *, before):
    """A subquery for the title or slug of the published post just before or after."""
    if before:
        condition = Q(published_at__lt=OuterRef("published_at")) | Q(
            published_at=OuterRef("published_at"), pk__lt=OuterRef("pk")
        )
        order = ("-published_at", "-pk")
    else:
        condition = Q(published_at__gt=OuterRef("published_at")) | Q(
            published_at=OuterRef("published_at"), pk__gt=OuterRef("pk")
        )
        order = ("published_at", "pk")
    neighbours = published.filter(condition).order_by(*order)
    return {field: Subquery(neighbours.values(field)[:1]) for field in ("title", "slug")}


def _post_page_queryset(user):
    """The post with its author, category and its neighbours' titles, in one query."""
    published = Post.objects.published()
    previous, following = _neighbour(published, before=True), _neighbour(published, before=False)
    return (
        Post.objects.visible_to(user)
        .select_related("author", "category")
        .annotate(
            previous_title=previous["title"],
            previous_slug=previous["slug"],
            next_title=following["title"],
            next_slug=following["slug"],
        )
    )


def _article_context(post):
    """What ``blog/_post_article.html`` shows: videos, soundtrack, facts, tags, links."""
    videos = list(post.videos.all())
    soundtrack = list(
        post.soundtrack.select_related("track__album", "video").prefetch_related(
            Prefetch("track__credits", queryset=Credit.objects.select_related("artist"))
        )
    )
    for entry in soundtrack:
        # A start time without a chosen video belongs to the post's first video.
        timed = videos and entry.starts_at is not None
        entry.player = (entry.video or videos[0]) if timed else None
        if entry.player:
            entry.embed_url = entry.player.ref.embed_url(entry.starts_at)
            entry.watch_url = entry.player.ref.watch_url(entry.starts_at)
    return {
        "post": post,
        "videos": videos,
        "chapters": [entry for entry in soundtrack if entry.player],
        "album_only": [entry for entry in soundtrack if not entry.player],
        "albums": list({entry.track.album: None for entry in soundtrack if entry.track.album}),
        "details": list(post.details.all()),
        "tags": list(post.tags.all()),
        "links": list(post.links.all()),
    }


def article_html(post):
    """The post's video, body, soundtrack and facts, rendered once per change of the post.

    The key is the post's ``updated_at``, which ``blog.signals`` moves whenever a video,
    track, credit, album or detail it shows changes, so no process serves a stale one.
    """
    key = f"blog:article:{post.pk}:{post.updated_at.timestamp()}"
    return cache.get_or_set(
        key,
        lambda: render_to_string("blog/_post_article.html", _article_context(post)),
        ARTICLE_CACHE_SECONDS,
    )


def related_posts(post):
    """Published posts sharing the most tags with ``post``, then its category."""
    tag_ids = post.tags.values("pk")
    return (
        Post.objects.published()
        .exclude(pk=post.pk)
        .filter(Q(tags__in=tag_ids) | Q(category_id=post.category_id))
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared_tags", "-published_at")
        .only("title", "slug", "published_at")[:RELATED_POSTS]
    )


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request, slug):
    post = get_object_or_404(_post_page_queryset(request.user), slug=slug)
    form, status = None, 200
    if request.method == "POST":
        if not post.is_published:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        result = comment_post(request, target=post)
        if result.redirect:
            return result.redirect
        form, status = result.form, result.status
    context = {
        "post": post,
        "article_html": article_html(post),
        "related_posts": related_posts(post),
        "comments": comment_section(request, target=post, form=form),
    }
    response = render(request, "blog/post_detail.html", context, status=status)
    # The comment form is filled from the reader's own cookies.
    patch_vary_headers(response, ["Cookie"])
    if not post.is_published:
        # A staff preview must never be stored by a cache a reader could hit.
        add_never_cache_headers(response)
    return response
