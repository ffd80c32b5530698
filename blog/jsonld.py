"""schema.org JSON-LD: what a page says it is to search engines and other machines.

The post page describes a ``BlogPosting`` with its ``VideoObject``s, whose timed tracks
are key-moment ``Clip``s, the ``MusicRecording``s behind them, and the approved comments
shown on the page. What every reader sees alike is worked out once, with the post's
cached parts (``blog.post_page``); the byline, the comments and the site's address are
added per request. Every value comes from the database: nothing is made up to satisfy
a validator, so a property with no honest value is left out.

Addresses on this site are kept as ``SitePath`` in what is cached, and made absolute
for each request: the cached parts are shared by every address the site answers at.
"""

import json

from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse

from blog.embeds import format_iso_duration
from freshness import version
from site_settings.authors import public_name
from site_settings.conf import site_settings

CONTEXT = "https://schema.org"
PLACEHOLDER_POSTER = "img/poster.svg"
# Inside <script>, "</script>" or "<!--" in a title or comment would end or hide the
# block: these characters are written as JSON escapes (as Django's json_script does).
# Replaced one by one: str.translate() took 15 ms on a page of 500 comments.
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


# A post page's JSON-LD text is cached as long as its other parts (blog.post_page).
SCRIPT_CACHE_SECONDS = 24 * 3600


class SitePath(str):
    """A path on this site, made absolute for the request that shows it."""


class ScriptJSON(str):
    """JSON-LD already written as ``script_json`` writes it, for ``ld_json`` to show as is."""


def script_json(data):
    """``data`` as JSON that is safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return text


def absolute(data, request):
    """``data`` with every ``SitePath`` in it made an absolute URL for ``request``."""
    if isinstance(data, SitePath):
        return request.build_absolute_uri(data)
    if isinstance(data, dict):
        return {key: absolute(value, request) for key, value in data.items()}
    if isinstance(data, list):
        return [absolute(value, request) for value in data]
    return data


def _when(moment):
    return moment.isoformat()


def _names(kind, artists):
    return [{"@type": kind, "name": artist.name} for artist in artists]


def poster_image(post):
    """The poster as an ``ImageObject``, or None when the post has none."""
    if not post.has_poster:
        return None
    image = {"@type": "ImageObject", "url": SitePath(post.poster.url)}
    if post.poster_width and post.poster_height:
        image.update(width=post.poster_width, height=post.poster_height)
    if post.poster_alt:
        image["description"] = post.poster_alt
    return image


def music_recording(entry, page):
    track = entry.track
    recording = {
        "@type": "MusicRecording",
        "@id": SitePath(f"{page}#track-{track.pk}"),
        "name": track.title,
    }
    # schema.org's byArtist takes a MusicGroup or a Person; a MusicGroup "can also be a
    # solo musician", and nothing here says whether a performer is a band or a person.
    if performers := track.performers:
        recording["byArtist"] = _names("MusicGroup", performers)
    if writers := track.writers:
        recording["composer"] = _names("Person", writers)
    if album := track.album:
        recording["inAlbum"] = {"@type": "MusicAlbum", "name": album.title}
        if album.label:
            recording["inAlbum"]["recordLabel"] = {"@type": "Organization", "name": album.label}
        if album.release_date:
            recording["inAlbum"]["datePublished"] = album.release_date.isoformat()
    return recording


def clips(video, entries):
    """The video's timed tracks as key-moment ``Clip``s, in the order they play.

    A clip ends where the next track starts, the last one at the end of the video; when
    the video's length is unknown the last clip's end is too, and is left out. A track
    said to start after the video has ended is not a moment of it and is left out.
    """
    duration = video.duration_seconds
    starts = sorted(
        (entry for entry in entries if duration is None or entry.starts_at < duration),
        key=lambda entry: entry.starts_at,
    )
    made = []
    for entry in starts:
        clip = {
            "@type": "Clip",
            "name": entry.track.title,
            "startOffset": entry.starts_at,
            "url": entry.watch_url,
        }
        later = [other.starts_at for other in starts if other.starts_at > entry.starts_at]
        end = min(later, default=duration)
        if end is not None:
            clip["endOffset"] = end
        made.append(clip)
    return made


def video_object(video, *, post, page, entries, thumbnail):
    chapters = [entry for entry in entries if entry.player == video]
    data = {
        "@type": "VideoObject",
        "@id": SitePath(f"{page}#video-{video.pk}"),
        "name": video.title,
        "description": post.lead,
        "thumbnailUrl": thumbnail,
        # When the video was first shown here: the provider's own upload date is not
        # known without asking it, and the page asks nothing of it before play.
        "uploadDate": _when(post.published_at),
        "embedUrl": video.embed_url,
        # The provider's page, not ``contentUrl``: that is for the media file itself
        # (https://developers.google.com/search/docs/appearance/structured-data/video),
        # which YouTube and Vimeo do not publish.
        "url": video.watch_url,
    }
    if video.duration_seconds:
        data["duration"] = format_iso_duration(video.duration_seconds)
    if moments := clips(video, chapters):
        data["hasPart"] = moments
    if chapters:
        # The recordings heard in the video are its ``audio``: schema.org's CreativeWork
        # ``audio`` takes a MusicRecording ("an embedded audio object"). Google and Bing
        # read no MusicRecording for rich results, so schema.org's meaning decides.
        data["audio"] = [music_recording(entry, page) for entry in chapters]
    return data


def post_posting(post, article):
    """The post's JSON-LD that every reader sees alike, from what its article shows.

    ``article`` is ``blog.post_page._article_context(post)``: videos, the soundtrack
    entries with their player and seeking URLs, tags. Costs no query of its own.
    """
    page = post.get_absolute_url()
    image = poster_image(post)
    thumbnail = image["url"] if image else SitePath(static(PLACEHOLDER_POSTER))
    posting = {
        "@type": "BlogPosting",
        "@id": SitePath(f"{page}#post"),
        "headline": post.title,
        "description": post.lead,
        "url": SitePath(page),
        "mainEntityOfPage": {"@type": "WebPage", "@id": SitePath(page)},
        "datePublished": _when(post.published_at),
        "dateModified": _when(post.updated_at),
    }
    if image:
        posting["image"] = image
    if article["tags"]:
        posting["keywords"] = [tag.name for tag in article["tags"]]
    if article["videos"]:
        posting["video"] = [
            video_object(
                video, post=post, page=page, entries=article["chapters"], thumbnail=thumbnail
            )
            for video in article["videos"]
        ]
    untimed = [entry for group in article["untimed"] for entry in group.entries]
    if untimed:
        # Tracks the post lists that do not play in its clip: named, not heard.
        posting["mentions"] = [music_recording(entry, page) for entry in untimed]
    return posting


def post_breadcrumbs(post):
    crumbs = [(site_settings().title, reverse("blog:home"))]
    if post.category:
        crumbs.append((post.category.name, post.category.get_absolute_url()))
    crumbs.append((post.title, post.get_absolute_url()))
    return breadcrumb_list(crumbs)


def breadcrumb_list(crumbs):
    """A ``BreadcrumbList`` from (name, path) pairs, the page itself last."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": SitePath(path)}
            for number, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def comment_entries(shown, page_url):
    """The approved comments on the page as ``Comment``s, replies inside their parent.

    ``shown`` is what the comment section loaded (``comments.threads.ShownComment``):
    the name, website, date and text readers see, never an email address. ``page_url``
    is already absolute: a page of 500 comments is built on every view, and walking it
    again with ``absolute()`` cost more than the rest of the page's JSON-LD.
    """
    entries = {}
    roots = []
    for comment in shown:
        author = {"@type": "Person", "name": comment.name}
        if comment.url:
            author["url"] = comment.url
        entry = {
            "@type": "Comment",
            "@id": f"{page_url}#comment-{comment.pk}",
            "url": f"{page_url}#comment-{comment.pk}",
            "author": author,
            "dateCreated": _when(comment.created_at),
            "text": comment.text,
        }
        entries[comment.pk] = entry
        parent = entries.get(comment.parent_pk)
        if parent is None:
            roots.append(entry)
        else:
            parent.setdefault("comment", []).append(entry)
    return roots


def post_page_data(request, *, post, parts, comments):
    """The post page's JSON-LD: the cached posting with what is read on every view.

    The byline, the publisher, the category and the comments come from the post's
    header and comment section, read per request, so the cached parts need not hold them.
    """
    config = site_settings()
    posting = absolute(parts.structured_data, request)
    posting["author"] = {"@type": "Person", "name": public_name(post.author)}
    posting["publisher"] = {
        "@type": "Organization",
        "name": config.title,
        "url": request.build_absolute_uri(reverse("blog:home")),
    }
    if post.category:
        posting["articleSection"] = post.category.name
    posting["commentCount"] = comments["count"]
    page_url = request.build_absolute_uri(post.get_absolute_url())
    if entries := comment_entries(comments["approved"], page_url):
        posting["comment"] = entries
    breadcrumbs = absolute(post_breadcrumbs(post), request)
    return {"@context": CONTEXT, "@graph": [posting, breadcrumbs]}


def post_page_script(request, *, post, parts, comments):
    """``post_page_data`` written as ``script_json``, from the cache when it was written
    before for the same content version, post, site address and comments.

    On a page of 500 comments building and writing it took some 8 ms of every view.
    The key names every comment shown, so a reader's own pending comment, a setting
    that pages threads otherwise, or another comment page can never share an entry
    with a page that shows other comments.
    """
    shown = comments["approved_key"]
    origin = request.build_absolute_uri("/")
    key = f"blog:ld:v2:{version.current()}:{post.pk}:{comments['count']}:{shown}:{origin}"
    text = cache.get(key)
    if text is None:
        text = script_json(post_page_data(request, post=post, parts=parts, comments=comments))
        cache.set(key, text, SCRIPT_CACHE_SECONDS)
    return ScriptJSON(text)


def website_data(request):
    """The site and its search, for the home page."""
    config = site_settings()
    search = request.build_absolute_uri(reverse("blog:search"))
    home = request.build_absolute_uri(reverse("blog:home"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": f"{home}#website",
        "url": home,
        "name": config.title,
        "description": config.tagline,
        # Google no longer shows a sitelinks search box (November 2024), but the action
        # is schema.org's way to say how to search the site, and others still read it.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def collection_page_data(request, *, name, description, crumbs):
    """A list of posts (category, tag, archive) as a ``CollectionPage`` with breadcrumbs."""
    page = {
        "@type": "CollectionPage",
        "name": name,
        "url": SitePath(crumbs[-1][1]),
        "breadcrumb": breadcrumb_list(crumbs),
    }
    if description:
        page["description"] = description
    return absolute({"@context": CONTEXT, **page}, request)
