from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_http_methods
from django.views.generic import ArchiveIndexView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from blog.images import held_back_uploads
from blog.jsonld import collection_page_data, post_page_data, post_page_script, website_data
from blog.models import PICTURE, POSTER, Category, Page, Post
from blog.page_meta import list_page_meta, page_number, post_page_meta, static_page_meta
from blog.post_page import (
    build_parts,
    cached_post_page,
    post_page_queryset,
    render_parts,
)
from comments.models import Comment
from comments.views import comment_section
from page_cache import fragments
from site_settings.conf import site_settings


class PublishedPostsMixin:
    """What every reader's list of posts shares: published posts only, newest first."""

    paginate_by = settings.MONTAGE_POSTS_PER_PAGE
    date_field = "published_at"
    allow_empty = True

    def get_queryset(self):
        return Post.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title, description = self.shared_as(context)
        context["page_meta"] = list_page_meta(
            self.request,
            title=title,
            description=description,
            **self.canonical_query(),
            page=page_number(context),
        )
        crumbs = self.breadcrumbs(context)
        if crumbs:
            context["structured_data"] = collection_page_data(
                self.request,
                name=title,
                description=description,
                crumbs=[(site_settings().title, reverse("blog:home")), *crumbs],
            )
        return context

    def shared_as(self, context):
        """The list's title and description, for its Open Graph tags and JSON-LD."""
        raise NotImplementedError

    def breadcrumbs(self, context):
        """(name, path) of the list and the lists above it, after the home page."""
        return []

    def canonical_query(self):
        """Query parameters, besides the page number, that choose what the list shows."""
        return {}


class HomeView(PublishedPostsMixin, ListView):
    template_name = "blog/home.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-sticky", "-published_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(structured_data=website_data(self.request), **kwargs)

    def shared_as(self, context):
        config = site_settings()
        return config.title, config.tagline


class CategoryView(PublishedPostsMixin, ListView):
    template_name = "blog/post_category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)

    def shared_as(self, context):
        return self.category.name, self.category.description

    def breadcrumbs(self, context):
        return [(self.category.name, self.category.get_absolute_url())]


class TagView(PublishedPostsMixin, ListView):
    template_name = "blog/post_tag.html"
    # A tag used only on drafts or scheduled posts must not reveal itself.
    allow_empty = False

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def shared_as(self, context):
        return f"Tagged “{self.tag.name}”", ""

    def breadcrumbs(self, context):
        return [(self.tag.name, reverse("blog:tag", kwargs={"slug": self.tag.slug}))]


class ArchiveView(PublishedPostsMixin, ArchiveIndexView):
    template_name = "blog/post_archive.html"
    date_list_period = "month"
    paginate_by = 50

    def shared_as(self, context):
        return "Archive", ""

    def breadcrumbs(self, context):
        return [("Archive", reverse("blog:archive"))]


class YearArchive(PublishedPostsMixin, YearArchiveView):
    template_name = "blog/post_archive_year.html"
    make_object_list = True
    paginate_by = 50
    allow_empty = False

    def shared_as(self, context):
        return date_format(context["year"], "Y"), ""

    def breadcrumbs(self, context):
        year = context["year"].year
        return [
            ("Archive", reverse("blog:archive")),
            (str(year), reverse("blog:archive_year", kwargs={"year": year})),
        ]


class MonthArchive(PublishedPostsMixin, MonthArchiveView):
    template_name = "blog/post_archive_month.html"
    month_format = "%m"
    paginate_by = 50
    allow_empty = False

    def shared_as(self, context):
        return date_format(context["month"], "F Y"), ""

    def breadcrumbs(self, context):
        month = context["month"]
        return [
            ("Archive", reverse("blog:archive")),
            (str(month.year), reverse("blog:archive_year", kwargs={"year": month.year})),
            (
                date_format(month, "F Y"),
                reverse("blog:archive_month", kwargs={"year": month.year, "month": month.month}),
            ),
        ]


class SearchView(PublishedPostsMixin, ListView):
    template_name = "blog/search.html"

    def get_queryset(self):
        # PostgreSQL refuses NUL characters in a query; no search needs them.
        self.query = self.request.GET.get("q", "").replace("\x00", "").strip()[:200]
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)

    def shared_as(self, context):
        return (f"Search: {self.query}" if self.query else "Search"), ""

    def canonical_query(self):
        # Each search is a page of its own: its address keeps the words searched for.
        return {"q": self.query}


class CategoryIndex(ListView):
    """Every category with a published post: how many, and what it is about."""

    template_name = "blog/category_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Post.objects.published().categories_in_use()


class TagIndex(ListView):
    """Every tag on a published post, with how many carry it."""

    template_name = "blog/tag_list.html"
    # Chips take little room: a page holds many, and still loads light.
    paginate_by = 150

    def get_queryset(self):
        return Post.objects.published().tags_in_use()


@require_http_methods(["GET", "HEAD"])
def post_detail(request, slug):
    """The post page. Its comment form posts to ``comments:post``, which renders this
    view again, with the refused form, when a comment is not taken."""
    cached = cached_post_page(slug)
    if cached is None:
        post = get_object_or_404(post_page_queryset(request.user), slug=slug)
        parts = render_parts(post)
    else:
        post, parts = cached
    return _post_page(request, post, parts)


def post_preview(request, post_pk):
    """The post page as readers will see it, for changes the author has not saved.

    The admin calls this inside the transaction that holds the unsaved changes and
    rolls it back afterwards, so nothing here may outlive the request: the parts are
    built fresh and never cached. New images are held back (``blog.images``): the page
    says so, from what the save noted.
    """
    post = post_page_queryset(request.user).get(pk=post_pk)
    held = held_back_uploads()
    preview = {
        "new_poster": POSTER in held,
        "new_pictures": PICTURE in held,
    }
    return _post_page(request, post, build_parts(post), preview=preview)


def _post_page(request, post, parts, *, preview=None):
    comments = comment_section(
        request, target=post, approved_count=post.comment_count, preview=preview is not None
    )
    context = {
        "post": post,
        "parts": parts,
        "preview": preview,
        "comments": comments,
        "page_meta": post_page_meta(request, post, parts),
        "structured_data": (
            post_page_script(request, post=post, parts=parts, comments=comments)
            if preview is None and post.is_published
            else post_page_data(request, post=post, parts=parts, comments=comments)
        ),
    }
    response = fragments.render(request, "blog/post_detail.html", context)
    # The comment form is filled from the reader's own cookies.
    patch_vary_headers(response, ["Cookie"])
    if preview is not None or not post.is_published:
        # What only staff may see must never be stored by a cache a reader could hit.
        add_never_cache_headers(response)
    return response


def _page_queryset(user):
    return (
        Page.objects.visible_to(user)
        .select_related("author")
        .annotate(comment_count=Comment.objects.approved_count_for(Post))
    )


@require_http_methods(["GET", "HEAD"])
def page_detail(request, slug):
    """A page (About, Contact...). Like a post's, its comment form posts to
    ``comments:post``, which renders this view again when a comment is not taken."""
    page = get_object_or_404(_page_queryset(request.user), slug=slug)
    return _page_response(request, page)


def page_preview(request, page_pk):
    """The page as readers will see it, for changes the author has not saved: as
    ``post_preview``, called inside the admin's transaction that is rolled back."""
    page = _page_queryset(request.user).get(pk=page_pk)
    preview = {"new_pictures": PICTURE in held_back_uploads()}
    return _page_response(request, page, preview=preview)


def _page_response(request, page, *, preview=None):
    comments = comment_section(
        request, target=page, approved_count=page.comment_count, preview=preview is not None
    )
    context = {
        "page": page,
        "preview": preview,
        "comments": comments,
        # A page without comments shows none of the section, unless some were
        # published before the author closed them (as a post keeps them).
        "shows_comments": page.comments_enabled or comments["count"] > 0,
        "page_meta": static_page_meta(request, page),
    }
    response = fragments.render(request, "blog/page_detail.html", context)
    patch_vary_headers(response, ["Cookie"])
    if preview is not None or not page.is_published:
        add_never_cache_headers(response)
    return response
