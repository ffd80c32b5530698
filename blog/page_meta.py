"""What a page's head says about it: its canonical address, and its Open Graph and
Twitter card tags (how a shared link previews).

The canonical address is the page's own, with only the query parameters that choose
what it shows (a list's page number, a search's words): never tracking parameters
(``utm_*``), a comment page or a reply link, which would split one page into many.
Views compute it; templates only show it.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import strip_tags
from django.utils.text import Truncator

from site_settings.conf import site_settings

# As the page's own <meta name="description"> (blog/post_detail.html).
DESCRIPTION_WORDS = 40


@dataclass(frozen=True)
class SharedImage:
    url: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class PageMeta:
    canonical_url: str
    title: str
    description: str
    type: str = "website"
    image: SharedImage | None = None
    # Only for an article (https://ogp.me/#type_article).
    published_time: str = ""
    modified_time: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def twitter_card(self):
        """A large card for a page with a poster, the small one otherwise."""
        return "summary_large_image" if self.image else "summary"


def canonical_url(request, path, **params):
    """``path`` on this site as an absolute URL, with the given (non-empty) parameters."""
    kept = {name: value for name, value in params.items() if value}
    query = f"?{urlencode(kept)}" if kept else ""
    return request.build_absolute_uri(f"{path}{query}")


def page_number(context):
    """The list page's number for its address: None for the first page."""
    page = context.get("page_obj")
    return page.number if page is not None and page.number > 1 else None


def default_page_meta(request):
    """A page that says nothing more: its path without the query, the site's name."""
    config = site_settings()
    return PageMeta(
        canonical_url=canonical_url(request, request.path),
        title=config.title,
        description=config.tagline,
    )


def list_page_meta(request, *, title, description="", path=None, **params):
    """A list of posts: its own address, keeping only ``params`` (the page number)."""
    return PageMeta(
        canonical_url=canonical_url(request, path or request.path, **params),
        title=title,
        description=description or site_settings().tagline,
    )


def post_page_meta(request, post, parts):
    """The post: its permalink, the poster, the dates, the category and the tags."""
    image = None
    if post.has_poster:
        image = SharedImage(
            url=request.build_absolute_uri(post.poster.url),
            width=post.poster_width,
            height=post.poster_height,
            alt=post.poster_alt,
        )
    return PageMeta(
        canonical_url=canonical_url(request, post.get_absolute_url()),
        title=post.title,
        description=Truncator(post.lead).words(DESCRIPTION_WORDS),
        type="article",
        image=image,
        published_time=post.published_at.isoformat(),
        modified_time=post.updated_at.isoformat(),
        section=post.category.name if post.category else "",
        tags=parts.tag_names,
    )


def static_page_meta(request, page):
    """A page (About, Contact...): its permalink, and its opening words to describe it."""
    return PageMeta(
        canonical_url=canonical_url(request, page.get_absolute_url()),
        title=page.title,
        description=Truncator(strip_tags(page.body_html)).words(DESCRIPTION_WORDS),
    )
