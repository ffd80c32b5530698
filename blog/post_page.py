"""The parts of a post page, and how they are cached.

A post page is the post's header, the parts every reader sees alike (the rendered
article, related posts, previous and next), and the comment section
(``comments.views``). A published post's header is cached with its parts, so a view
of it builds no query but the content version's; a draft, which only staff see, is
read and built on every view. The cached parts, and the menu of pages, are
keyed by the content version (``freshness``), which every write to what readers see
moves and a scheduled post falling due changes: read from the database, so every
process agrees on it whatever the cache backend (a local-memory cache is per process).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from blog.jsonld import post_posting
from blog.models import Credit, Page, Post
from comments.models import Comment
from freshness import version
from page_cache.fragments import Fragment

RELATED_POSTS = 3
PARTS_CACHE_SECONDS = 24 * 3600
# Raised when the cached parts' markup changes, so no page cached before a deploy is
# served with markup the new stylesheet and script do not expect.
PARTS_VERSION = 6


@dataclass(frozen=True)
class PostRef:
    """Another post as a link: enough to show it, nothing to query."""

    title: str
    url: str
    published_at: object = None


@dataclass(frozen=True)
class PostPageParts:
    article_html: Fragment
    related: list[PostRef]
    previous: PostRef | None
    next: PostRef | None
    # The post's JSON-LD as every reader sees it (``blog.jsonld``), and its tags' names
    # for the Open Graph tags: both read with the article, so they cost no query.
    structured_data: dict = field(default_factory=dict)
    tag_names: list[str] = field(default_factory=list)


def menu_pages():
    """The menu of pages as links, from the cache under the content version."""
    key = f"blog:menu:v{PARTS_VERSION}:{version.current()}"
    menu = cache.get(key)
    if menu is None:
        menu = [PostRef(page.title, page.get_absolute_url()) for page in Page.objects.in_menu()]
        cache.set(key, menu, PARTS_CACHE_SECONDS)
    return menu


def cached_post_page(slug):
    """The published post ``slug`` and its parts, as ``(post, parts)``, from the cache;
    None when they are not there (not viewed since the last change, or not published)."""
    return cache.get(_parts_key(slug))


def _parts_key(slug):
    return f"blog:post-parts:v{PARTS_VERSION}:{slug}:{version.current()}"


def _neighbour(published, *, before):
    """Subqueries for the title and slug of the published post just before or after."""
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


def post_page_queryset(user):
    """The post with its author, category, approved comment count and neighbours, in
    one query."""
    published = Post.objects.published()
    previous, following = _neighbour(published, before=True), _neighbour(published, before=False)
    return (
        Post.objects.visible_to(user)
        .select_related("author", "category")
        # Cached with the parts: the author's password hash is never stored there.
        .defer("author__password")
        .annotate(
            comment_count=Comment.objects.approved_count_for(Post),
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
    soundtrack_on_players(soundtrack, videos)
    return {
        "post": post,
        "videos": videos,
        "chapters": [entry for entry in soundtrack if entry.player],
        "untimed": _by_album([entry for entry in soundtrack if not entry.player]),
        "albums": list({entry.track.album: None for entry in soundtrack if entry.track.album}),
        "details": list(post.details.all()),
        "tags": list(post.tags.all()),
        "links": list(post.links.all()),
    }


def soundtrack_on_players(soundtrack, videos):
    """Give each timed entry its ``player`` and the addresses that play it from its time.

    Untimed entries, and every entry of a post without a video, get ``player = None``.
    """
    for entry in soundtrack:
        # A start time without a chosen video belongs to the post's first video.
        timed = videos and entry.starts_at is not None
        entry.player = (entry.video or videos[0]) if timed else None
        if entry.player:
            entry.embed_url = entry.player.ref.embed_url(entry.starts_at)
            entry.watch_url = entry.player.ref.watch_url(entry.starts_at)


@dataclass(frozen=True)
class AlbumGroup:
    """Tracks not in the clip from one album (``album`` is None for tracks with none)."""

    album: object
    entries: list


def _by_album(entries):
    """Group soundtrack entries by their track's album, in the order albums first appear."""
    groups = {}
    for entry in entries:
        groups.setdefault(entry.track.album, []).append(entry)
    return [AlbumGroup(album, grouped) for album, grouped in groups.items()]


def related_posts(post):
    """Published posts sharing the most tags with ``post``, then its category."""
    tag_ids = post.tags.values("pk")
    return list(
        Post.objects.published()
        .exclude(pk=post.pk)
        .filter(Q(tags__in=tag_ids) | Q(category_id=post.category_id))
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared_tags", "-published_at")
        .only("title", "slug", "kind", "published_at")[:RELATED_POSTS]
    )


def build_parts(post):
    """Work out the parts; ``post`` must come with its neighbours annotated."""

    def neighbour(prefix):
        slug = getattr(post, f"{prefix}_slug")
        if not slug:
            return None
        url = reverse("blog:post", kwargs={"slug": slug})
        return PostRef(getattr(post, f"{prefix}_title"), url)

    article = _article_context(post)
    parts = PostPageParts(
        article_html=Fragment(render_to_string("blog/_post_article.html", article)),
        related=[
            PostRef(other.title, other.get_absolute_url(), other.published_at)
            for other in related_posts(post)
        ],
        previous=neighbour("previous"),
        next=neighbour("next"),
        structured_data=post_posting(post, article),
        tag_names=[tag.name for tag in article["tags"]],
    )
    return parts


def render_parts(post):
    """Work out the parts; a published post's are cached with it, under the content
    version, for ``cached_post_page()``."""
    parts = build_parts(post)
    if post.is_published:
        cache.set(_parts_key(post.slug), (post, parts), PARTS_CACHE_SECONDS)
    return parts
