"""The whole-page cache for readers: a page every reader without a cookie of their own
sees alike is rendered once per content version and then served from the cache, its
holes (``page_cache.holes``) filled for each request.

- Only GET and HEAD requests with no cookie but the CSRF cookie (and those in
  ``settings.PAGE_CACHE_IGNORED_COOKIES``) are served from the cache or stored in it.
  A reader with a pending comment, a remembered name, a session (staff) or any other
  cookie gets the page rendered for them, marked never to be stored.
- Only what a view marks ``cacheable`` is stored, and only a 200 that sets no cookie,
  keeps the session and messages untouched, and varies on nothing but the cookie.
- Entries are keyed by the content version (``freshness``): any write readers could see
  moves it, so a change shows on the next view in every process; and by the release of
  the code (``page_cache.release``), so a deploy never serves the last one's pages.
  ``PAGE_CACHE_SECONDS`` bounds what changes with time alone (comments closing after
  N days); 0 turns it off.
- Pages carry a weak ETag over their stored text (feeds keep their own ETag and
  Last-Modified, a moment the content names; a page's moment of caching would differ
  from one worker to the next) and answer 304; ``Cache-Control: private,
  no-cache`` keeps shared caches (a proxy) from storing a page holding a reader's CSRF
  token, and ``Vary: Cookie`` from serving it to a reader with cookies.
"""

import hashlib
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

from freshness import version
from page_cache.holes import COLLECTING, join, seal, split
from page_cache.release import release

# Raised when what an entry holds changes shape (2: bytes, and when it expires).
ENTRY_VERSION = 2
# Headers a stored page keeps; the rest are the outer middleware's to set per response.
KEPT_HEADERS = {"content-type", "content-language", "etag", "last-modified", "x-robots-tag"}
VARY_ALLOWED = {"cookie", "accept-encoding"}
# What each process keeps of the pages it served last, in front of the shared cache: a
# hit then costs no round trip and no unpickling (a 600 KB page from Redis took 3 ms of
# a 5 ms request). A key names the content version, so a kept page is never stale.
RECENT_BYTES = 32 * 1024 * 1024


class CachedPage:
    """A stored page: its text and holes, the headers it keeps, and its validators."""

    @property
    def size(self):
        return sum(len(segment) for segment in self.segments if isinstance(segment, bytes))

    def __init__(self, response, segments, *, expires_at):
        # Kept with the page, so a copy held in a process expires with the shared one.
        self.expires_at = expires_at
        self.status = response.status_code
        self.headers = {
            name: value for name, value in response.items() if name.lower() in KEPT_HEADERS
        }
        self.segments = segments
        self.charset = response.charset
        if "ETag" not in self.headers:
            digest = hashlib.blake2b(repr(segments).encode(), digest_size=12).hexdigest()
            self.headers["ETag"] = f'W/"{digest}"'

    def respond(self, request):
        headers = {
            name: self.headers[name] for name in ("ETag", "Last-Modified") if name in self.headers
        }
        if self._not_modified(request):
            response = HttpResponseNotModified(headers=headers)
        else:
            body = join(self.segments, request, self.charset)
            response = HttpResponse(body, status=self.status, headers=self.headers)
        _shared_headers(response)
        return response

    def _not_modified(self, request):
        tags = request.headers.get("If-None-Match")
        if tags is not None:
            etag = self.headers["ETag"].removeprefix("W/")
            return tags.strip() == "*" or etag in {
                tag.strip().removeprefix("W/") for tag in tags.split(",")
            }
        since = request.headers.get("If-Modified-Since")
        if since is None or "Last-Modified" not in self.headers:
            return False
        since = parse_http_date_safe(since)
        modified = parse_http_date_safe(self.headers["Last-Modified"])
        return since is not None and modified is not None and modified <= since


def _shared_headers(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _alike_for_everyone(request):
            response = self.get_response(request)
            if getattr(response, "page_cacheable", False):
                # Rendered for this reader alone: no cache, shared or private, may keep it.
                add_never_cache_headers(response)
            return response
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds:
            # Off: the holes are filled as the page is rendered, as without this middleware.
            return self.get_response(request)
        key = _key(request)
        page = _recent.get(key)
        if page is None:
            page = cache.get(key)
            # Its own moment, not the backend's: the copy held elsewhere expires with it.
            if page is not None and page.expires_at <= time.time():
                page = None
            if page is not None:
                _recent.keep(key, page)
        if page is not None:
            return page.respond(request)
        setattr(request, COLLECTING, True)
        response = self.get_response(request)
        if response.streaming or not _is_text(response):
            return response
        segments = split(response.content)
        if not _storable(request, response):
            if any(not isinstance(segment, bytes) for segment in segments):
                # This reader's own values now: shared by no cache, whatever the view.
                response.content = join(segments, request, response.charset)
                _shared_headers(response)
            return response
        page = CachedPage(response, segments, expires_at=time.time() + seconds)
        cache.set(key, page, seconds)
        _recent.keep(key, page)
        return page.respond(request)


class _RecentPages:
    """The pages this process served last, by key, up to ``RECENT_BYTES``."""

    def __init__(self):
        self.pages = OrderedDict()
        self.size = 0

    def get(self, key):
        page = self.pages.get(key)
        if page is None:
            return None
        if page.expires_at <= time.time():
            self.forget(key)
            return None
        self.pages.move_to_end(key)
        return page

    def forget(self, key=None):
        """Drop the page under ``key``, or every page."""
        if key is None:
            self.pages.clear()
            self.size = 0
        elif (page := self.pages.pop(key, None)) is not None:
            self.size -= page.size

    def keep(self, key, page):
        if key in self.pages or page.size > RECENT_BYTES:
            return
        self.pages[key] = page
        self.size += page.size
        while self.size > RECENT_BYTES:
            _, dropped = self.pages.popitem(last=False)
            self.size -= dropped.size


_recent = _RecentPages()


def forget_recent_pages(**kwargs):
    """Drop the pages this process keeps: when a setting changes, as only tests do
    (``setting_changed``), a page rendered under the old one must not be served."""
    _recent.forget()


def _alike_for_everyone(request):
    if request.method not in {"GET", "HEAD"}:
        return False
    ignored = {settings.CSRF_COOKIE_NAME, *settings.PAGE_CACHE_IGNORED_COOKIES}
    return all(name in ignored for name in request.COOKIES)


def _key(request):
    # Scheme and host too: pages name their own absolute address (canonical, feeds).
    address = request.build_absolute_uri(request.get_full_path())
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"page_cache:v{ENTRY_VERSION}:{release()}:{seal()}:{version.current()}:{digest}"


def _is_text(response):
    return response.get("Content-Type", "").split(";")[0].strip() in {
        "text/html", "application/rss+xml", "application/atom+xml", "application/xml",
        "text/xml", "text/plain", "application/json",
    }  # fmt: skip


def _storable(request, response):
    if not getattr(response, "page_cacheable", False) or response.status_code != 200:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache", "max-age=0")):
        return False
    varies = {part.strip().lower() for part in response.get("Vary", "").split(",") if part}
    if not varies <= VARY_ALLOWED:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "_queued_messages", None))
