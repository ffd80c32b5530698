"""A comment as the spam filter sees it: a set of tokens, each prefixed by where it came from.

``text:`` words of the text, ``link:`` the domains its links (and bare domains) point at,
``name:`` words of the name, ``site:`` the website's domain (``site:none`` without one),
``sym:`` emoji and other pictographs, ``skip:`` a word too long to keep, by its first
character and its length in tens (as SpamBayes does, so a base64 blob or a 300-letter
"word" still counts, once, without filling the table).

Every input is first made comparable: NFKC (full-width and styled letters become plain
ones), format characters removed (zero-width spaces and joiners, soft hyphens, bidi
controls: they split a word to the eye of a filter, never to a reader's), then casefolded.
Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) give pairs
of characters, since the filter cannot know where their words end.
"""

import re
import unicodedata
from itertools import islice
from urllib.parse import urlsplit

# Characters of a text the filter reads: some 3,000 words, far more than a reader's
# comment says, and the cost of the 65,525 a comment may hold divided by three (every
# pass over Chinese or emoji costs about a millisecond per 65,000). A longer comment is
# held for the author (comments.spam.checks), so nothing hides past the end.
TEXT_READ = 20000
# Distinct tokens kept from one comment, first seen first: scoring and learning stay one
# bounded query, whatever arrives. A real comment has tens to a few hundred, and the
# classifier weighs at most 150 of them; looking up 1,000 took ten times as long as 150
# with 100,000 decisions stored (bench/spam_scoring.py).
MAX_TOKENS = 500
WORD_MIN = 2
WORD_MAX = 20
# The longest token stored (a host can run to 253 characters; its right end says most).
TOKEN_MAX = 100
# How many labels of a host become tokens, from the right: "example.co.uk" and
# "shop.example.co.uk" both say something, "a.b.c.shop.example.co.uk" no more.
HOST_LEVELS = 4
DOMAIN_MAX = 253  # RFC 1035's limit on a whole name
# Words (and pictographs) read from one text, repeats included, before the rest is left
# unread: a real comment says what it is long before; 65,525 characters of "a-a-a-…"
# would otherwise cost 30 ms for no token at all.
MAX_WORDS = 3000
MAX_PICTOGRAPHS = 200
MAX_LINKS = 200  # links, and chunks that may be bare domains

# Format characters a reader never sees: soft hyphen, Arabic letter mark, Mongolian
# vowel separator, zero-width spaces and joiners, bidi controls, invisible operators, BOM.
_FORMAT = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
     *range(0x2060, 0x2065), *range(0x2066, 0x2070), 0xFEFF]
)  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
# A bare domain ("visit casino-wins.example now"): labels of letters, digits and
# hyphens, and a last label of two letters or more.
_DOMAIN = re.compile(r"\b(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}\b")
# Combining marks are not word characters to ``re``, yet Thai, Devanagari and the other
# Indic vowels are marks: without them "ภาษาไทยดี" would end at its last vowel. The
# blocks of the scripts that write with marks, whole, and the combining blocks.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u0816-\u082d\u0859-\u085b"
    "\u08d3-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1712-\u1714"
    "\u17b4-\u17d3\u1a17-\u1a1b\u1ab0-\u1b7f\u1dc0-\u1dff\u20d0-\u20f0\u302a-\u302f"
    "\u3099\u309a\ua66f-\ua67d\ua8e0-\ua8f1\ufe20-\ufe2f"
)
# One character class, so the scan stays linear: "_" is a word character to ``re``,
# and is made a space before it (``_word_tokens``).
_WORD = re.compile(f"[\\w{_MARKS}]+(?:['\u2019][\\w{_MARKS}]+)*")
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0002fa1f"  # Han, supplementary planes
)
_RUNS = re.compile(f"([{_UNSPACED}]+)|([^{_UNSPACED}]+)")
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_PICTOGRAPH = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
)


def normalize(value):
    """``value`` as the filter compares it: NFKC, no format characters, casefolded."""
    return unicodedata.normalize("NFKC", value).translate(_FORMAT).casefold()


def comment_tokens(*, text, name="", website=""):
    """The distinct tokens of one comment, in the order first seen, at most ``MAX_TOKENS``.

    The name's and the website's come first, so a long text cannot push them out.
    """
    found = dict.fromkeys(_word_tokens("name", normalize(name[:TEXT_READ])))
    website = normalize(website[:TEXT_READ]).strip()
    site = list(_host_tokens("site", _host(website))) if website else []
    found.update(dict.fromkeys(site or ["site:none"]))
    for token in _text_tokens(normalize(text[:TEXT_READ])):
        found[token[:TOKEN_MAX]] = None
        if len(found) >= MAX_TOKENS:
            break
    return list(dict.fromkeys(token[:TOKEN_MAX] for token in found))[:MAX_TOKENS]


def _text_tokens(text):
    rest = text
    if "http" in text or "www." in text:  # a pass fewer over most texts
        for url in islice(_URL.findall(text), MAX_LINKS):
            yield from _host_tokens("link", _host(url))
        rest = _URL.sub(" ", text)
    # Only the few chunks holding a dot, and no longer than a domain can be, are tried:
    # the domain pattern backtracks, and "a.b.a.b.…" 65,525 characters long would take
    # it minutes.
    dotted = " ".join(
        islice(
            (chunk for chunk in rest.split() if "." in chunk and len(chunk) <= DOMAIN_MAX),
            MAX_LINKS,
        )
    )
    for domain in _DOMAIN.findall(dotted):
        yield from _host_tokens("link", domain)
    for symbol in islice(_PICTOGRAPH.finditer(rest), MAX_PICTOGRAPHS):
        yield f"sym:{symbol.group()}"
    yield from _word_tokens("text", rest)


def _word_tokens(prefix, text):
    text = text.replace("_", " ")
    unspaced_script = _HAS_UNSPACED.search(text) is not None
    for match in islice(_WORD.finditer(text), MAX_WORDS):
        word = match.group()
        runs = _RUNS.findall(word) if unspaced_script else [("", word)]
        for unspaced, spaced in runs:
            if unspaced:
                unspaced = unspaced[:MAX_WORDS]
                pairs = [unspaced[i : i + 2] for i in range(max(len(unspaced) - 1, 1))]
                yield from (f"{prefix}:{pair}" for pair in pairs)
            elif len(spaced) > WORD_MAX:
                yield f"skip:{spaced[0]} {len(spaced) // 10 * 10}"
            elif len(spaced) >= WORD_MIN:
                yield f"{prefix}:{spaced}"


def _host(url):
    """The host a link or website names, or "" when it names none."""
    if "://" not in url:
        url = f"http://{url}"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" and its kind: not a host
        return ""
    return host.strip(".").removeprefix("www.")


def _host_tokens(prefix, host):
    labels = [label for label in host.split(".") if label]
    if not labels:
        return
    if len(labels) == 1:
        yield f"{prefix}:{labels[0]}"
        return
    for level in range(2, min(len(labels), HOST_LEVELS) + 1):
        yield f"{prefix}:{'.'.join(labels[-level:])}"
