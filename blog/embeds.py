"""Turn a pasted YouTube or Vimeo URL into a provider, an id and a start time.

Parsing is local string work: no request ever leaves the server, so a post saves the
same way offline and no provider learns what the author is writing about.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

YOUTUBE = "youtube"
VIMEO = "vimeo"

_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}

# A scheme such as "https:" or "javascript:", but not a host followed by a port.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)
# YouTube ids are 11 characters from the URL-safe base64 alphabet.
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH_ID = re.compile(r"^/(?:embed|shorts|live|v|e)/([^/?#]+)/?$")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
# "95", "95s", "1m35s", "1h2m3s" (YouTube and Vimeo), or "1:35", "1:02:03".
_DURATION_UNITS = re.compile(r"^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?$")
_DURATION_COLONS = re.compile(r"^(?:(\d{1,3}):)?(\d{1,4}):(\d{2})$")

UNSUPPORTED_MESSAGE = _(
    "Paste a YouTube or Vimeo link, for example https://www.youtube.com/watch?v=… "
    "or https://vimeo.com/…"
)


@dataclass(frozen=True)
class VideoRef:
    """A video as the page needs it: who hosts it, its id, where to start."""

    provider: str
    video_id: str
    start_seconds: int = 0
    vimeo_hash: str = ""

    def embed_url(self, start_seconds=None):
        """The privacy-enhanced player URL, autoplaying because the reader just asked."""
        start = self.start_seconds if start_seconds is None else start_seconds
        if self.provider == YOUTUBE:
            query = {"autoplay": 1, "rel": 0, "playsinline": 1}
            if start:
                query["start"] = start
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?{urlencode(query)}"
        query = {"autoplay": 1, "dnt": 1}
        if self.vimeo_hash:
            query = {"h": self.vimeo_hash, **query}
        fragment = f"#t={start}s" if start else ""
        return f"https://player.vimeo.com/video/{self.video_id}?{urlencode(query)}{fragment}"

    def watch_url(self, start_seconds=None):
        """The provider's own page for the video: the no-JavaScript fallback link."""
        start = self.start_seconds if start_seconds is None else start_seconds
        if self.provider == YOUTUBE:
            time = f"&t={start}s" if start else ""
            return f"https://www.youtube.com/watch?v={self.video_id}{time}"
        path = f"{self.video_id}/{self.vimeo_hash}" if self.vimeo_hash else self.video_id
        fragment = f"#t={start}s" if start else ""
        return f"https://vimeo.com/{path}{fragment}"


def format_timestamp(seconds):
    """95 -> "1:35", 3723 -> "1:02:03": how a video player shows a time."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def format_iso_duration(seconds):
    """95 -> "PT1M35S": an ISO 8601 duration, for ``<time datetime>`` and JSON-LD."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{f'{hours}H' if hours else ''}{f'{minutes}M' if minutes else ''}{seconds}S"


def parse_timestamp(value):
    """Seconds from "95", "95s", "1m35s", "1h2m3s", "1:35" or "1:02:03"; None if not one."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if match := _DURATION_COLONS.match(value):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        if seconds >= 60 or (hours and minutes >= 60):
            return None
        return hours * 3600 + minutes * 60 + seconds
    if match := _DURATION_UNITS.match(value):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


def parse_video_url(url):
    """Return the ``VideoRef`` for a YouTube or Vimeo URL, or raise ``ValidationError``."""
    text = (url or "").strip()
    if not text:
        raise ValidationError(UNSUPPORTED_MESSAGE, code="unsupported_video_url")
    if text.startswith("//"):
        text = f"https:{text}"
    elif not _SCHEME.match(text):
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValidationError(UNSUPPORTED_MESSAGE, code="unsupported_video_url") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValidationError(UNSUPPORTED_MESSAGE, code="unsupported_video_url")
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS or host in _YOUTUBE_SHORT_HOSTS:
        return _parse_youtube(host, parts.path, query)
    if host in _VIMEO_HOSTS:
        return _parse_vimeo(host, parts.path, query, parts.fragment)
    raise ValidationError(UNSUPPORTED_MESSAGE, code="unsupported_video_url")


def _first(query, *names):
    for name in names:
        if values := query.get(name):
            return values[0]
    return ""


def _start_from(value):
    if not value:
        return 0
    seconds = parse_timestamp(value)
    if seconds is None:
        raise ValidationError(
            _("The start time “%(value)s” is not a time such as 95, 1m35s or 1:35."),
            code="invalid_start_time",
            params={"value": value},
        )
    return seconds


def _parse_youtube(host, path, query):
    if host in _YOUTUBE_SHORT_HOSTS:
        candidate = path.strip("/")
    elif path.rstrip("/") == "/watch":
        candidate = _first(query, "v")
    elif match := _YOUTUBE_PATH_ID.match(path):
        candidate = match.group(1)
    else:
        candidate = ""
    if not _YOUTUBE_ID.fullmatch(candidate):
        raise ValidationError(
            _("This YouTube link does not name a video: copy the address of the video itself."),
            code="missing_video_id",
        )
    start = _start_from(_first(query, "t", "start", "time_continue"))
    return VideoRef(provider=YOUTUBE, video_id=candidate, start_seconds=start)


def _parse_vimeo(host, path, query, fragment):
    segments = [segment for segment in path.split("/") if segment]
    if host == "player.vimeo.com":
        segments = segments[1:] if segments[:1] == ["video"] else []
    video_id, vimeo_hash = "", _first(query, "h")
    for index, segment in enumerate(segments):
        if _VIMEO_ID.fullmatch(segment):
            video_id = segment
            following = segments[index + 1 : index + 2]
            if following and _VIMEO_HASH.fullmatch(following[0]):
                vimeo_hash = following[0]
            break
    if not video_id:
        raise ValidationError(
            _("This Vimeo link does not name a video: copy the address of the video itself."),
            code="missing_video_id",
        )
    if vimeo_hash and not _VIMEO_HASH.fullmatch(vimeo_hash):
        vimeo_hash = ""
    start = _start_from(fragment[2:] if fragment.startswith("t=") else "")
    return VideoRef(provider=VIMEO, video_id=video_id, start_seconds=start, vimeo_hash=vimeo_hash)
