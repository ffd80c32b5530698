"""RSS 2.0 and Atom 1.0 feeds: the site's posts, a category's, a tag's, and approved comments.

Every feed starts from ``Post.objects.published()``, and the comment feeds from approved
comments on those posts, so no draft, scheduled or private post is ever in one.
``MontageFeed`` holds what every feed shares (the author's public name, entries with
absolute URLs and GUIDs that never change, answers to conditional requests); a
subclass only chooses its items and titles.

- GUIDs are ``tag:`` URIs (RFC 4151) made of the site's host (``MONTAGE_SITE_URL``), the
  day the post or comment was created and its id: an edit, a new title or a new slug
  leaves them as they were, so a reader never gets a post twice.
- A conditional request (If-None-Match, If-Modified-Since) is answered from one
  aggregate query, before anything is rendered: the ETag is a fingerprint of how many
  items the feed has and of the latest change and publication among them, so an edit, a
  deletion or a scheduled post falling due each give a new one.
- The Site settings choose what a post's entry carries: the whole post (the lead, a link
  to the video, the poster, the body and the soundtrack) or the lead only.
"""

import bisect
import datetime
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import linebreaks
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from taggit.models import Tag

from blog.models import Category, Credit, Post, PostTrack
from blog.post_page import soundtrack_on_players
from comments.conf import discussion_settings
from comments.models import Comment
from site_settings.authors import public_name
from site_settings.conf import SiteConfig, site_settings
from site_settings.models import FeedContent

# The newest 20 items. WordPress sends 10 (Settings > Reading, "Syndication feeds show the
# most recent"); 20 is a few weeks of posts for a reader who checks rarely, and keeps a
# full-content feed to a few hundred kilobytes.
FEED_ITEMS = 20

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
WFW_NS = "http://wellformedweb.org/CommentAPI/"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class FeedImage:
    url: str
    width: int | None
    height: int | None
    mime_type: str = ""
    length: int | None = None


@dataclass(frozen=True)
class FeedVideo:
    url: str
    title: str


@dataclass
class Entry:
    """One item of a feed, every URL in it absolute."""

    title: str
    url: str
    guid: str
    description: str
    published: datetime.datetime
    updated: datetime.datetime
    author: str
    content_html: str = ""
    categories: list = field(default_factory=list)
    poster: FeedImage | None = None
    thumbnail: FeedImage | None = None
    video: FeedVideo | None = None
    comments_url: str | None = None
    comments_feeds: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """What one request's feed is about: its subject (a category, tag or post; None for
    the whole site), the settings in force, and the origin its absolute URLs start with."""

    subject: object
    config: SiteConfig
    origin: str
    path: str

    def absolute(self, url):
        return urljoin(f"{self.origin}/", url)


def _media_elements(handler, item):
    """Media RSS (rssboard.org/media-rss): the poster with its size, and the video's page."""
    poster, thumbnail, video = item.get("poster"), item.get("thumbnail"), item.get("video")
    if poster:
        attributes = {"url": poster.url, "medium": "image", "type": poster.mime_type}
        attributes.update(_size(poster))
        if poster.length:
            attributes["fileSize"] = str(poster.length)
        handler.addQuickElement("media:content", None, attributes)
    if thumbnail:
        handler.addQuickElement(
            "media:thumbnail", None, {"url": thumbnail.url, **_size(thumbnail)}
        )
    if video:
        handler.addQuickElement("media:player", None, {"url": video.url})


def _size(image):
    if image.width and image.height:
        return {"width": str(image.width), "height": str(image.height)}
    return {}


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full post in ``content:encoded``, Media RSS and the comments feed."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
            "xmlns:wfw": WFW_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        if item.get("comments_feed"):
            handler.addQuickElement("wfw:commentRss", item["comments_feed"])
        _media_elements(handler, item)


class AtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with the full post as ``content``, the video and replies linked (RFC 4685)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        video = item.get("video")
        if video:
            handler.addQuickElement(
                "link",
                "",
                {"rel": "related", "type": "text/html", "href": video.url, "title": video.title},
            )
        if item.get("comments_feed"):
            replies = {"rel": "replies", "type": ATOM_TYPE, "href": item["comments_feed"]}
            handler.addQuickElement("link", "", replies)
        _media_elements(handler, item)


# The tags of HTML written by nh3 and by the templates, where every attribute value is
# in double quotes (as blog.markup reads them): a "<" in text is always escaped.
_TAG = re.compile(r'<[a-z][a-z0-9]*(?:\s+[a-z-]+(?:="[^"]*")?)*\s*/?>')
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def absolute_urls(html, *, base, in_page=False):
    """``html`` with every link and image address made absolute against ``base``.

    A feed reader shows an entry away from the site, where ``/media/...``, ``/posts/...``
    and ``#body-fn1`` would lead nowhere. ``in_page``: keep ``#...`` links as they are,
    for HTML that will be shown as a page of its own (an export to another blog).
    """

    def absolute(url):
        if in_page and url.strip().startswith("#"):
            return url.strip()
        return urljoin(base, url.strip())

    def srcset(value):
        candidates = (candidate.split() for candidate in value.split(","))
        return ", ".join(" ".join([absolute(url), *rest]) for url, *rest in candidates if url)

    def in_tag(match):
        tag = _URL_ATTRIBUTE.sub(
            lambda found: f'{found[1]}{escape(absolute(unescape(found[2])))}"', match[0]
        )
        return _SRCSET.sub(lambda found: f'{found[1]}{escape(srcset(unescape(found[2])))}"', tag)

    return _TAG.sub(in_tag, html)


def tag_uri(kind, obj):
    """A GUID that outlives any edit: ``tag:montage.example,2026-01-31:post/12``.

    The host is the configured site's, not the request's, so a feed read at another of
    the site's names (www., an IP address) gives the same GUIDs.
    """
    host = urlsplit(settings.MONTAGE_SITE_URL).hostname
    day = obj.created_at.astimezone(datetime.UTC).date().isoformat()
    return f"tag:{host},{day}:{kind}/{obj.pk}"


def post_guid(post):
    """A post's GUID: the one an imported post had in its old site's feeds, if any."""
    return post.feed_guid or tag_uri(post.kind, post)


class MontageFeed(Feed):
    """What every feed shares; subclasses choose their ``items`` (entries) and titles.

    One instance serves every request to its URL, so what a request needs travels in
    the ``Scope`` that Django's ``Feed`` hands to each method as ``obj``.
    """

    # A tag used only on drafts must not reveal itself: its feed 404s as its page does.
    allow_empty = True

    def __init__(self, *, atom=False):
        self.atom = atom
        self.feed_type = AtomFeed if atom else RssFeed

    def __call__(self, request, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        scope = Scope(
            subject=self.get_subject(**kwargs),
            config=site_settings(),
            origin=f"{request.scheme}://{request.get_host()}",
            path=request.path,
        )
        count, changes = self.fingerprint(scope)
        if not count and not self.allow_empty:
            raise Http404("No published post here.")
        config = scope.config
        version = (
            type(self).__name__,
            self.atom,
            scope.origin,
            scope.path,
            # What the feed shows of the settings (never the moderation address).
            (config.title, config.tagline, config.author_name, config.feed_content),
            self.subject_version(scope.subject),
        )
        digest = hashlib.md5(repr((version, count, changes)).encode(), usedforsecurity=False)
        etag = quote_etag(digest.hexdigest())
        latest = max((change for change in changes if change), default=None)
        last_modified = int(latest.timestamp()) if latest else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            feed = self.get_feed(scope, request)
            response = HttpResponse(content_type=feed.content_type)
            feed.write(response, "utf-8")
        response.headers["ETag"] = etag
        if last_modified:
            response.headers["Last-Modified"] = http_date(last_modified)
        # Readers may keep it, but ask again each time: the answer is a cheap 304.
        patch_cache_control(response, public=True, no_cache=True)
        return response

    def get_subject(self, **kwargs):
        return None

    def subject_version(self, subject):
        """What of the subject itself the feed shows, so that a change to it is a new ETag."""
        return None

    def fingerprint(self, scope):
        """``(count, changes)``: how many items, and the times that move when one changes."""
        raise NotImplementedError

    def items(self, scope):
        """The feed's entries, newest first."""
        raise NotImplementedError

    def description(self, scope):
        return scope.config.tagline

    def subtitle(self, scope):
        return self.description(scope)

    def author_name(self, scope):
        return scope.config.author_name or scope.config.title

    def feed_url(self, scope):
        return scope.absolute(scope.path)

    def feed_guid(self, scope):
        # Atom's feed id (RFC 4287 4.2.6): the feed's own address names only this feed.
        return self.feed_url(scope)

    def item_title(self, entry):
        # Plain text in both formats, as the RSS Profile advises: Django's default escapes
        # it once more (#6533), and feed readers then show "&amp;" for "&".
        return entry.title

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return entry.guid

    item_guid_is_permalink = False

    def item_description(self, entry):
        return entry.description

    def item_author_name(self, entry):
        return entry.author

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_categories(self, entry):
        return entry.categories

    def item_comments(self, entry):
        return entry.comments_url

    def item_enclosures(self, entry):
        poster = entry.poster
        if poster is None:
            return []
        return [feedgenerator.Enclosure(poster.url, str(poster.length or 0), poster.mime_type)]

    def item_extra_kwargs(self, entry):
        return {
            "content_html": entry.content_html,
            "poster": entry.poster,
            "thumbnail": entry.thumbnail,
            "video": entry.video,
            "comments_feed": entry.comments_feeds.get("atom" if self.atom else "rss"),
        }


def _soundtrack_prefetch():
    credits = Credit.objects.select_related("artist")
    entries = PostTrack.objects.select_related("track__album", "video").prefetch_related(
        Prefetch("track__credits", queryset=credits)
    )
    return Prefetch("soundtrack", queryset=entries)


def _poster(post, scope):
    if not post.has_poster:
        return None
    length = post.poster_size
    if length is None:
        # A poster stored before its size was kept: a stat of the file (a HEAD request
        # on object storage), never a read.
        try:
            length = post.poster.size
        except OSError:
            length = None
    return FeedImage(
        url=scope.absolute(post.poster.url),
        width=post.poster_width,
        height=post.poster_height,
        mime_type=mimetypes.guess_type(post.poster.name)[0] or "image/jpeg",
        length=length,
    )


def _thumbnail(post, scope):
    """The poster's smallest JPEG rendition, with its height worked out from the poster's."""
    versions = (post.poster_renditions or {}).get("jpg") if post.has_poster else None
    if not versions or not post.poster_width:
        return None
    path, width = min(versions, key=lambda version: version[1])
    height = round(post.poster_height * width / post.poster_width)
    return FeedImage(url=scope.absolute(post.poster.storage.url(path)), width=width, height=height)


class PostFeed(MontageFeed):
    """The newest published posts of ``posts()``: the lead, or the whole post."""

    def posts(self, scope):
        return Post.objects.published()

    def fingerprint(self, scope):
        stamp = self.posts(scope).aggregate(
            count=Count("pk"), updated=Max("updated_at"), published=Max("published_at")
        )
        return stamp["count"], (stamp["updated"], stamp["published"])

    def items(self, scope):
        full = scope.config.feed_content != FeedContent.LEAD
        posts = (
            self.posts(scope)
            .select_related("category", "author")
            .prefetch_related("tags", "videos")
            .order_by("-published_at", "-id")
        )
        if full:
            posts = posts.prefetch_related(_soundtrack_prefetch())
        return [self.post_entry(post, scope, full=full) for post in posts[:FEED_ITEMS]]

    def post_entry(self, post, scope, *, full):
        url = scope.absolute(post.get_absolute_url())
        videos = list(post.videos.all())
        poster = _poster(post, scope)
        content = ""
        if full:
            soundtrack = list(post.soundtrack.all())
            soundtrack_on_players(soundtrack, videos)
            context = {
                "post": post,
                "videos": videos,
                "poster": poster,
                # As on the post page: the tracks in the clip first, then the others.
                "soundtrack": sorted(soundtrack, key=lambda entry: entry.player is None),
            }
            content = absolute_urls(render_to_string("blog/_feed_post.html", context), base=url)
        tags = sorted(tag.name for tag in post.tags.all())
        slug = {"slug": post.slug}
        return Entry(
            title=post.title,
            url=url,
            guid=post_guid(post),
            description=linebreaks(post.lead, autoescape=True),
            published=post.published_at,
            updated=post.updated_at,
            author=public_name(post.author),
            content_html=content,
            categories=[post.category.name, *tags] if post.category else tags,
            poster=poster,
            thumbnail=_thumbnail(post, scope),
            video=FeedVideo(videos[0].watch_url, videos[0].title) if videos else None,
            comments_url=f"{url}#comments",
            comments_feeds={
                "rss": scope.absolute(reverse("blog:post_comments_feed", kwargs=slug)),
                "atom": scope.absolute(reverse("blog:post_comments_feed_atom", kwargs=slug)),
            },
        )


class SiteFeed(PostFeed):
    def title(self, scope):
        return scope.config.title

    def link(self, scope):
        return scope.absolute(reverse("blog:home"))


class CategoryFeed(PostFeed):
    def get_subject(self, *, slug):
        return get_object_or_404(Category, slug=slug)

    def subject_version(self, category):
        return category.name, category.description

    def posts(self, scope):
        return super().posts(scope).filter(category=scope.subject)

    def title(self, scope):
        return f"{scope.subject.name} · {scope.config.title}"

    def link(self, scope):
        return scope.absolute(scope.subject.get_absolute_url())

    def description(self, scope):
        return scope.subject.description or super().description(scope)


class TagFeed(PostFeed):
    allow_empty = False

    def get_subject(self, *, slug):
        return get_object_or_404(Tag, slug=slug)

    def subject_version(self, tag):
        return tag.name

    def posts(self, scope):
        return super().posts(scope).filter(tags=scope.subject)

    def title(self, scope):
        return _("Tagged “%(tag)s” · %(site)s") % {
            "tag": scope.subject.name,
            "site": scope.config.title,
        }

    def link(self, scope):
        return scope.absolute(reverse("blog:tag", kwargs={"slug": scope.subject.slug}))


def comment_pages(comments):
    """The comment page of its post that shows each of ``comments``, from one query.

    As ``comments.views`` works it out for the address a new comment is sent to: threads
    are paged oldest first, so a comment is on the page of its thread's first comment.
    """
    rows = Comment.objects.filter(post__in={comment.object_id for comment in comments})
    rows = rows.values_list("pk", "parent_id", "created_at", "status", "object_id")
    parents, created, roots = {}, {}, {}
    for pk, parent_id, created_at, status, post_id in rows:
        parents[pk], created[pk] = parent_id, created_at
        if parent_id is None and status == Comment.Status.APPROVED:
            roots.setdefault(post_id, []).append(created_at)
    for times in roots.values():
        times.sort()
    per_page = discussion_settings().per_page
    pages = {}
    for comment in comments:
        root = comment.pk
        while parents.get(root) is not None:
            root = parents[root]
        earlier = bisect.bisect_left(roots.get(comment.object_id, []), created[root])
        pages[comment.pk] = earlier // per_page + 1
    return pages


class CommentFeed(MontageFeed):
    """The newest approved comments of ``comments()``, signed with the commenter's name."""

    def comments(self, scope):
        return Comment.objects.approved().filter(post__in=Post.objects.published())

    def fingerprint(self, scope):
        comments = self.comments(scope).aggregate(count=Count("pk"), updated=Max("updated_at"))
        # An entry's title names its post: a post renamed, unpublished or falling due
        # changes the feed too.
        posts = Post.objects.published().aggregate(
            count=Count("pk"), updated=Max("updated_at"), published=Max("published_at")
        )
        return comments["count"], (comments["updated"], posts["updated"], posts["published"])

    def comment_title(self, comment, post):
        return _("%(name)s on “%(post)s”") % {"name": comment.name, "post": post.title}

    def items(self, scope):
        # The address, IP and browser are never read, so they cannot reach a feed.
        comments = list(
            self.comments(scope)
            .defer("email", "ip_address", "user_agent")
            .order_by("-created_at", "-id")[:FEED_ITEMS]
        )
        posts = self.posts_of(comments, scope)
        pages = comment_pages(comments)
        return [
            self.comment_entry(comment, posts[comment.object_id], scope, page=pages[comment.pk])
            for comment in comments
        ]

    def posts_of(self, comments, scope):
        return Post.objects.in_bulk({comment.object_id for comment in comments})

    def comment_entry(self, comment, post, scope, *, page):
        query = f"?cpage={page}" if page > 1 else ""
        url = f"{scope.absolute(post.get_absolute_url())}{query}#comment-{comment.pk}"
        return Entry(
            title=self.comment_title(comment, post),
            url=url,
            guid=tag_uri("comment", comment),
            description=absolute_urls(comment.text_html, base=url),
            published=comment.created_at,
            updated=comment.updated_at,
            author=comment.name,
        )


class CommentsFeed(CommentFeed):
    def title(self, scope):
        return _("Comments on %(site)s") % {"site": scope.config.title}

    def link(self, scope):
        return scope.absolute(reverse("blog:home"))


class PostCommentsFeed(CommentFeed):
    def get_subject(self, *, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def subject_version(self, post):
        return post.title, post.updated_at

    def comments(self, scope):
        return Comment.objects.approved().filter(post=scope.subject)

    def fingerprint(self, scope):
        stamp = self.comments(scope).aggregate(count=Count("pk"), updated=Max("updated_at"))
        return stamp["count"], (stamp["updated"], scope.subject.updated_at)

    def posts_of(self, comments, scope):
        return {scope.subject.pk: scope.subject}

    def comment_title(self, comment, post):
        return _("By %(name)s") % {"name": comment.name}

    def title(self, scope):
        return _("Comments on “%(post)s” · %(site)s") % {
            "post": scope.subject.title,
            "site": scope.config.title,
        }

    def link(self, scope):
        return f"{scope.absolute(scope.subject.get_absolute_url())}#comments"
