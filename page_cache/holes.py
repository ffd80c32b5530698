"""Holes: what differs from one reader to the next on a page every reader otherwise
sees alike (the CSRF token, the comment form's signed timestamp).

While a page is rendered for the cache, each such value is written as a marker
(``hole()``); the cached page is the text between markers and the holes themselves, and
each response fills them for its own request (``fill()``) without rendering anything.
A marker carries a seal derived from ``SECRET_KEY``, so no text a reader writes (a
comment) can pass for one. ``settings.PAGE_CACHE_HOLES`` names each kind's filler: a
function of the request and the marker's argument.
"""

import re
from functools import cache

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

COLLECTING = "page_cache_collecting"
# What an argument may hold: nothing autoescaping would change, in text or attribute.
_ARGUMENT = re.compile(r"[A-Za-z0-9.:_]*")


@cache
def seal():
    return salted_hmac("page_cache.holes", "marker").hexdigest()[:16]


@cache
def _marker_pattern():
    # Over the response's bytes: a marker is ASCII in every charset a page is sent in.
    return re.compile(rf"mh-{seal()}-([a-z]+)-([A-Za-z0-9.:_]*)-hm".encode())


def collecting(request):
    """Whether this request renders a page for the cache."""
    return getattr(request, COLLECTING, False)


def hole(request, kind, argument=""):
    """This request's value of ``kind``; its marker while the page is rendered for the
    cache."""
    if not _ARGUMENT.fullmatch(argument):
        raise ValueError(f"a hole's argument is letters, digits and .:_ only: {argument!r}")
    if collecting(request):
        return f"mh-{seal()}-{kind}-{argument}-hm"
    return fill(request, kind, argument)


def fill(request, kind, argument):
    return import_string(settings.PAGE_CACHE_HOLES[kind])(request, argument)


def split(content):
    """A response's ``content`` as a list of bytes and ``(kind, argument)`` holes, in
    order: kept as bytes, a cached page is sent without encoding its text again."""
    parts = _marker_pattern().split(content)
    segments = [parts[0]]
    for index in range(1, len(parts), 3):
        hole = (parts[index].decode(), parts[index + 1].decode())
        segments += [hole, parts[index + 2]]
    return [segment for segment in segments if segment != b""]


def join(segments, request, charset):
    """The page for ``request``, as bytes in ``charset``: each hole filled in."""
    return b"".join(
        segment if isinstance(segment, bytes) else fill(request, *segment).encode(charset)
        for segment in segments
    )


def csrf_token(request, argument):
    """The CSRF token, as ``{% csrf_token %}`` writes it: new for a reader without the
    cookie, which the CSRF middleware then sets."""
    return get_token(request)
