"""Fragments: the large parts of a page (a post's article, a thread of 500 comments),
kept as UTF-8 bytes from the cache to the response, never through the template engine.

Rendered by ``render()``, a page writes each fragment as a marker of a few dozen
characters; the page is rendered around the markers, encoded, and each fragment's
bytes are put in place. Through the template engine, a 300 KB thread was decoded from
the cache, copied by every block and include that enclosed it, and encoded again: a
third of the post page's time with 500 comments.

Rendered any other way (``str()``, a template outside ``render()``), a fragment is its
text, so no page can show a marker. Inside ``render()`` it is written as
``{{ fragment }}`` only: a filter would work on the marker, not the text. A marker
carries a seal derived from ``SECRET_KEY``, so no text a reader writes can pass for one.
"""

import contextvars
import re
from functools import cache

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString

# Pages with fragments are sent in the charset fragments are kept in.
CHARSET = "utf-8"
# The fragments written by the page ``render()`` is rendering; None outside it.
_written = contextvars.ContextVar("fragments_written", default=None)


@cache
def _seal():
    return salted_hmac("page_cache.fragments", "marker").hexdigest()[:16]


@cache
def _marker_pattern():
    return re.compile(rf"mf-{_seal()}-(\d+)-fm".encode())


class Fragment:
    """HTML rendered once, as the UTF-8 bytes it is sent as."""

    __slots__ = ("data",)

    def __init__(self, html):
        self.data = html.encode(CHARSET)

    def __str__(self):
        written = _written.get()
        if written is None:
            return SafeString(self.data.decode(CHARSET))
        written.append(self.data)
        return SafeString(f"mf-{_seal()}-{len(written) - 1}-fm")

    __html__ = __str__

    def __bool__(self):
        return bool(self.data)

    def __eq__(self, other):
        return isinstance(other, Fragment) and other.data == self.data

    def __hash__(self):
        return hash(self.data)

    def __repr__(self):
        return f"<Fragment of {len(self.data)} bytes>"


def render(request, template_name, context):
    """``django.shortcuts.render()``, with the page's fragments put in as bytes."""
    token = _written.set([])
    try:
        text = render_to_string(template_name, context, request)
        written = _written.get()
    finally:
        _written.reset(token)
    response = HttpResponse(charset=CHARSET)
    content = text.encode(CHARSET)
    if written:
        parts = _marker_pattern().split(content)
        # split() alternates the text between markers and each marker's number.
        parts[1::2] = [written[int(number)] for number in parts[1::2]]
        content = b"".join(parts)
    response.content = content
    return response
