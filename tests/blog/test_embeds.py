"""Tests for blog.embeds: turning pasted YouTube and Vimeo URLs into a VideoRef."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from blog.embeds import VIMEO, YOUTUBE, VideoRef, parse_timestamp, parse_video_url

YT_ID = "dQw4w9WgXcQ"
VIMEO_ID = "76979871"
VIMEO_HASH = "abcdef0123"

YOUTUBE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
youtube_ids = st.text(alphabet=YOUTUBE_ID_ALPHABET, min_size=11, max_size=11)
start_seconds = st.integers(min_value=0, max_value=86399)
vimeo_ids = st.from_regex(r"[0-9]{1,12}", fullmatch=True)
vimeo_hashes = st.from_regex(r"[0-9a-f]{6,20}", fullmatch=True)


def assert_rejected(url, code):
    """Assert parse_video_url rejects url with a ValidationError carrying code."""
    with pytest.raises(ValidationError) as excinfo:
        parse_video_url(url)
    assert excinfo.value.code == code


def query_of(url):
    """Return the parsed query string of url."""
    return parse_qs(urlsplit(url).query)


# --- YouTube: accepted forms -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT_ID}",
        f"https://youtube.com/watch?v={YT_ID}",
        f"https://m.youtube.com/watch?v={YT_ID}",
        f"https://music.youtube.com/watch?v={YT_ID}",
        f"www.youtube.com/watch?v={YT_ID}",
        f"youtube.com/watch?v={YT_ID}",
        f"http://www.youtube.com/watch?v={YT_ID}",
        f"  https://www.youtube.com/watch?v={YT_ID}  ",
        f"HTTPS://WWW.YOUTUBE.COM/watch?v={YT_ID}",
    ],
)
def test_youtube_watch_url_on_any_youtube_host_or_scheme_gives_id(url):
    """A watch?v= URL on www, m., music., bare host, http or no scheme yields the id."""
    ref = parse_video_url(url)
    assert ref == VideoRef(provider=YOUTUBE, video_id=YT_ID, start_seconds=0)


@pytest.mark.parametrize(
    ("t", "seconds"),
    [("95", 95), ("95s", 95), ("1m35s", 95), ("1h2m3s", 3723), ("0", 0)],
)
def test_youtube_watch_url_with_t_gives_start_seconds(t, seconds):
    """The t= parameter in seconds, 95s, 1m35s or 1h2m3s form becomes start_seconds."""
    ref = parse_video_url(f"https://www.youtube.com/watch?v={YT_ID}&t={t}")
    assert ref.video_id == YT_ID
    assert ref.start_seconds == seconds


def test_youtube_watch_url_with_t_before_v_gives_id_and_start():
    """Parameter order does not matter: t= before v= still gives id and start."""
    ref = parse_video_url(f"https://www.youtube.com/watch?t=95&v={YT_ID}")
    assert (ref.video_id, ref.start_seconds) == (YT_ID, 95)


def test_youtube_watch_url_with_start_param_gives_start_seconds():
    """The start= parameter is read as the start time too."""
    ref = parse_video_url(f"https://www.youtube.com/watch?v={YT_ID}&start=95")
    assert (ref.video_id, ref.start_seconds) == (YT_ID, 95)


def test_youtube_short_link_gives_id():
    """A youtu.be/ID short link yields the id and no start time."""
    ref = parse_video_url(f"https://youtu.be/{YT_ID}")
    assert ref == VideoRef(provider=YOUTUBE, video_id=YT_ID)


def test_youtube_short_link_with_time_gives_id_and_start():
    """A youtu.be/ID?t=95 short link yields the id and a 95 second start."""
    ref = parse_video_url(f"https://youtu.be/{YT_ID}?t=95")
    assert (ref.provider, ref.video_id, ref.start_seconds) == (YOUTUBE, YT_ID, 95)


def test_youtube_short_link_with_share_tracking_param_ignores_it():
    """The si= share-tracking parameter on a youtu.be link is ignored."""
    ref = parse_video_url(f"youtu.be/{YT_ID}?si=AbCdEfGhIjKlMnOp&t=1m35s")
    assert (ref.video_id, ref.start_seconds) == (YT_ID, 95)


def test_youtube_shorts_url_gives_id():
    """A youtube.com/shorts/ID URL yields the id."""
    ref = parse_video_url(f"https://www.youtube.com/shorts/{YT_ID}")
    assert (ref.provider, ref.video_id) == (YOUTUBE, YT_ID)


def test_youtube_embed_url_with_start_gives_id_and_start():
    """A youtube.com/embed/ID?start=95 URL yields the id and a 95 second start."""
    ref = parse_video_url(f"https://www.youtube.com/embed/{YT_ID}?start=95")
    assert (ref.video_id, ref.start_seconds) == (YT_ID, 95)


@pytest.mark.parametrize("host", ["youtube-nocookie.com", "www.youtube-nocookie.com"])
def test_youtube_nocookie_embed_url_gives_id(host):
    """A youtube-nocookie.com/embed/ID URL yields the id."""
    ref = parse_video_url(f"https://{host}/embed/{YT_ID}")
    assert (ref.provider, ref.video_id) == (YOUTUBE, YT_ID)


def test_youtube_live_url_gives_id():
    """A youtube.com/live/ID URL yields the id."""
    ref = parse_video_url(f"https://www.youtube.com/live/{YT_ID}")
    assert (ref.provider, ref.video_id) == (YOUTUBE, YT_ID)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT_ID}&list=PLabcdefghijklmnop&index=3",
        f"https://www.youtube.com/watch?feature=share&v={YT_ID}",
        f"https://www.youtube.com/watch?v={YT_ID}&feature=youtu.be&ab_channel=Someone",
        f"https://www.youtube.com/watch?v={YT_ID}#comments",
    ],
)
def test_youtube_watch_url_ignores_extra_query_params(url):
    """list=, feature= and other extra parameters (and fragments) do not disturb parsing."""
    ref = parse_video_url(url)
    assert ref == VideoRef(provider=YOUTUBE, video_id=YT_ID, start_seconds=0)


def test_youtube_schemeless_watch_url_with_url_valued_param_gives_id():
    """A scheme-less watch URL whose query holds another URL (with ://) is still accepted."""
    ref = parse_video_url(f"www.youtube.com/watch?v={YT_ID}&next=https://example.com/")
    assert (ref.provider, ref.video_id) == (YOUTUBE, YT_ID)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch/?v={YT_ID}",
        f"https://youtu.be/{YT_ID}/",
        f"https://www.youtube.com/shorts/{YT_ID}/",
        f"https://www.youtube.com/embed/{YT_ID}/",
        f"https://www.youtube.com/live/{YT_ID}/",
    ],
)
def test_youtube_url_with_trailing_slash_gives_id(url):
    """A trailing slash after the path or id is tolerated."""
    assert parse_video_url(url).video_id == YT_ID


def test_youtube_id_with_dash_and_underscore_is_kept_verbatim():
    """Ids using - and _ (and mixed case) are returned exactly as given."""
    video_id = "-a_B9-zZ_0x"
    assert parse_video_url(f"https://youtu.be/{video_id}").video_id == video_id


# --- Vimeo: accepted forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"https://vimeo.com/{VIMEO_ID}",
        f"https://www.vimeo.com/{VIMEO_ID}",
        f"vimeo.com/{VIMEO_ID}",
        f"http://vimeo.com/{VIMEO_ID}/",
    ],
)
def test_vimeo_url_gives_numeric_id(url):
    """A vimeo.com/ID URL yields the numeric id, no hash and no start."""
    ref = parse_video_url(url)
    assert ref == VideoRef(provider=VIMEO, video_id=VIMEO_ID, start_seconds=0, vimeo_hash="")


def test_vimeo_unlisted_url_gives_id_and_hash():
    """An unlisted vimeo.com/ID/HASH URL yields both the id and the privacy hash."""
    ref = parse_video_url(f"https://vimeo.com/{VIMEO_ID}/{VIMEO_HASH}")
    assert (ref.provider, ref.video_id, ref.vimeo_hash) == (VIMEO, VIMEO_ID, VIMEO_HASH)


def test_vimeo_player_url_with_hash_param_gives_id_and_hash():
    """A player.vimeo.com/video/ID?h=HASH URL yields the id and the hash from h=."""
    ref = parse_video_url(f"https://player.vimeo.com/video/{VIMEO_ID}?h={VIMEO_HASH}")
    assert (ref.provider, ref.video_id, ref.vimeo_hash) == (VIMEO, VIMEO_ID, VIMEO_HASH)


def test_vimeo_player_url_without_hash_gives_id():
    """A player.vimeo.com/video/ID URL yields the id and an empty hash."""
    ref = parse_video_url(f"https://player.vimeo.com/video/{VIMEO_ID}")
    assert (ref.video_id, ref.vimeo_hash) == (VIMEO_ID, "")


def test_vimeo_player_url_with_malformed_hash_drops_it():
    """An h= value that is not a hex hash is dropped rather than passed to the player."""
    ref = parse_video_url(f"https://player.vimeo.com/video/{VIMEO_ID}?h=<script>")
    assert (ref.video_id, ref.vimeo_hash) == (VIMEO_ID, "")


def test_vimeo_channel_url_gives_id():
    """A vimeo.com/channels/staffpicks/ID URL yields the id."""
    ref = parse_video_url(f"https://vimeo.com/channels/staffpicks/{VIMEO_ID}")
    assert (ref.provider, ref.video_id, ref.vimeo_hash) == (VIMEO, VIMEO_ID, "")


@pytest.mark.parametrize(("fragment", "seconds"), [("1m30s", 90), ("90", 90), ("90s", 90)])
def test_vimeo_url_with_time_fragment_gives_start(fragment, seconds):
    """A #t=1m30s (or #t=90) fragment becomes start_seconds."""
    ref = parse_video_url(f"https://vimeo.com/{VIMEO_ID}#t={fragment}")
    assert (ref.video_id, ref.start_seconds) == (VIMEO_ID, seconds)


def test_vimeo_unlisted_url_with_time_fragment_gives_id_hash_and_start():
    """An unlisted URL with #t= keeps id, hash and start together."""
    ref = parse_video_url(f"https://vimeo.com/{VIMEO_ID}/{VIMEO_HASH}#t=1m30s")
    assert ref == VideoRef(VIMEO, VIMEO_ID, start_seconds=90, vimeo_hash=VIMEO_HASH)


# --- embed_url and watch_url -------------------------------------------------------------


def test_youtube_embed_url_uses_nocookie_host_without_start_when_zero():
    """The YouTube embed is on www.youtube-nocookie.com and omits start when it is zero."""
    url = VideoRef(YOUTUBE, YT_ID).embed_url()
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == (
        "https",
        "www.youtube-nocookie.com",
        f"/embed/{YT_ID}",
    )
    assert "start" not in query_of(url)


def test_youtube_embed_url_includes_start_when_non_zero():
    """The YouTube embed carries start=N when the start time is non-zero."""
    url = parse_video_url(f"https://youtu.be/{YT_ID}?t=95").embed_url()
    assert urlsplit(url).hostname == "www.youtube-nocookie.com"
    assert query_of(url)["start"] == ["95"]


def test_youtube_embed_url_start_argument_overrides_stored_start():
    """embed_url(start_seconds=N) overrides the stored start, and 0 removes it."""
    ref = VideoRef(YOUTUBE, YT_ID, start_seconds=95)
    assert query_of(ref.embed_url(start_seconds=10))["start"] == ["10"]
    assert "start" not in query_of(ref.embed_url(start_seconds=0))


def test_vimeo_embed_url_has_dnt_and_no_hash_when_public():
    """The Vimeo embed is on player.vimeo.com with dnt=1 and no h= for a public video."""
    url = VideoRef(VIMEO, VIMEO_ID).embed_url()
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == (
        "https",
        "player.vimeo.com",
        f"/video/{VIMEO_ID}",
    )
    query = query_of(url)
    assert query["dnt"] == ["1"]
    assert "h" not in query
    assert parts.fragment == ""


def test_vimeo_embed_url_keeps_hash_and_start():
    """The Vimeo embed keeps the unlisted hash as h= and the start as #t=Ns."""
    url = parse_video_url(f"https://vimeo.com/{VIMEO_ID}/{VIMEO_HASH}#t=1m30s").embed_url()
    query = query_of(url)
    assert query["h"] == [VIMEO_HASH]
    assert query["dnt"] == ["1"]
    assert urlsplit(url).fragment == "t=90s"


def test_youtube_watch_url_without_start():
    """The YouTube watch URL is www.youtube.com/watch?v=ID with no t= for a zero start."""
    assert VideoRef(YOUTUBE, YT_ID).watch_url() == f"https://www.youtube.com/watch?v={YT_ID}"


def test_youtube_watch_url_with_start():
    """The YouTube watch URL appends &t=Ns for a non-zero start."""
    ref = VideoRef(YOUTUBE, YT_ID, start_seconds=95)
    assert ref.watch_url() == f"https://www.youtube.com/watch?v={YT_ID}&t=95s"


def test_vimeo_watch_url_public_and_unlisted_with_start():
    """The Vimeo watch URL is vimeo.com/ID, or vimeo.com/ID/HASH, plus #t=Ns when set."""
    assert VideoRef(VIMEO, VIMEO_ID).watch_url() == f"https://vimeo.com/{VIMEO_ID}"
    unlisted = VideoRef(VIMEO, VIMEO_ID, start_seconds=90, vimeo_hash=VIMEO_HASH)
    assert unlisted.watch_url() == f"https://vimeo.com/{VIMEO_ID}/{VIMEO_HASH}#t=90s"


def test_watch_url_start_argument_overrides_stored_start():
    """watch_url(start_seconds=N) overrides the stored start for both providers."""
    yt = VideoRef(YOUTUBE, YT_ID, start_seconds=95)
    assert yt.watch_url(start_seconds=0) == f"https://www.youtube.com/watch?v={YT_ID}"
    vm = VideoRef(VIMEO, VIMEO_ID)
    assert vm.watch_url(start_seconds=5) == f"https://vimeo.com/{VIMEO_ID}#t=5s"


# --- rejected input ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "   ", None])
def test_empty_input_is_rejected_as_unsupported(url):
    """Empty, blank or missing input is rejected as an unsupported video URL."""
    assert_rejected(url, "unsupported_video_url")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?u=https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com.evil.example/76979871",
        "https://notvimeo.com/76979871",
        "https://youtu.be.evil.example/dQw4w9WgXcQ",
        "just some words",
    ],
)
def test_url_on_other_host_is_rejected_as_unsupported(url):
    """Hosts that merely contain or resemble youtube/vimeo are rejected as unsupported."""
    assert_rejected(url, "unsupported_video_url")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "javascript://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "JavaScript://www.youtube.com/%0Aalert(1)",
        "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "data://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
)
def test_non_http_scheme_is_rejected_as_unsupported(url):
    """javascript:, ftp: and other non-http(s) schemes are rejected as unsupported."""
    assert_rejected(url, "unsupported_video_url")


def test_malformed_url_is_rejected_as_unsupported():
    """A URL that urlsplit cannot parse (broken IPv6 host) is rejected, not crashed on."""
    assert_rejected("https://[::1/watch?v=dQw4w9WgXcQ", "unsupported_video_url")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?list=PLabcdefghijklmnop",
        "https://www.youtube.com/watch?v=",
        "https://youtu.be/",
        "https://www.youtube.com/",
    ],
)
def test_youtube_url_without_video_id_is_rejected_as_missing_id(url):
    """A YouTube URL that names no video (e.g. watch without v=) is missing_video_id."""
    assert_rejected(url, "missing_video_id")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXc",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",
        "https://youtu.be/dQw4w9WgXc",
        "https://youtu.be/dQw4w9WgXcQQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQQ",
        "https://www.youtube.com/watch?v=dQw4w9WgX%2BQ",
        "https://www.youtube.com/watch?v=dQw4w9WgX.Q",
    ],
)
def test_youtube_id_of_wrong_length_or_alphabet_is_rejected_as_missing_id(url):
    """An id that is not exactly 11 characters of [A-Za-z0-9_-] is missing_video_id."""
    assert_rejected(url, "missing_video_id")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw",
        "https://www.youtube.com/@SomeChannel",
        "https://www.youtube.com/playlist?list=PLabcdefghijklmnop",
        "https://www.youtube.com/results?search_query=cats",
        f"https://www.youtube.com/embed/{YT_ID}/extra",
    ],
)
def test_youtube_non_video_page_is_rejected_as_missing_id(url):
    """Channel, handle, playlist and search pages are missing_video_id."""
    assert_rejected(url, "missing_video_id")


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/about",
        "https://vimeo.com/",
        "https://vimeo.com/channels/staffpicks",
        "https://player.vimeo.com/76979871",
        "https://player.vimeo.com/video/",
    ],
)
def test_vimeo_non_video_page_is_rejected_as_missing_id(url):
    """vimeo.com/about and other pages without a numeric video id are missing_video_id."""
    assert_rejected(url, "missing_video_id")


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT_ID}&t=abc",
        f"https://www.youtube.com/watch?v={YT_ID}&t=1:75",
        f"https://www.youtube.com/watch?v={YT_ID}&t=-5",
        f"https://youtu.be/{YT_ID}?t=1x",
        f"https://www.youtube.com/embed/{YT_ID}?start=soon",
        f"https://vimeo.com/{VIMEO_ID}#t=abc",
    ],
)
def test_bad_start_time_is_rejected_as_invalid_start_time(url):
    """A t=, start= or #t= value that is not a time is invalid_start_time."""
    assert_rejected(url, "invalid_start_time")


def test_bad_start_time_error_names_the_value():
    """The invalid_start_time error carries the offending value in its params."""
    with pytest.raises(ValidationError) as excinfo:
        parse_video_url(f"https://youtu.be/{YT_ID}?t=abc")
    assert excinfo.value.params == {"value": "abc"}


# --- parse_timestamp ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("95", 95),
        ("95s", 95),
        ("1:35", 95),
        ("01:35", 95),
        ("1:02:03", 3723),
        ("1m35s", 95),
        ("1m", 60),
        ("1h", 3600),
        ("1h2m3s", 3723),
        ("1H2M3S", 3723),
        ("  1:35  ", 95),
        ("0", 0),
        ("90:00", 5400),
    ],
)
def test_parse_timestamp_reads_seconds_colon_and_unit_forms(text, seconds):
    """Plain seconds, m:ss, h:mm:ss and XhYmZs forms convert to seconds."""
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "1:75", "1:60:00", "abc", "1:5", "-5", "1.5", "s", "1:35s"],
)
def test_parse_timestamp_returns_none_for_non_times(text):
    """Empty text, out-of-range colon parts and non-times give None."""
    assert parse_timestamp(text) is None


# --- properties --------------------------------------------------------------------------

URL_PREFIXES = [
    "",
    "https://www.youtube.com/watch?v=",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=",
    "youtube.com/embed/",
    "https://youtu.be/",
    "youtu.be/dQw4w9WgXcQ?t=",
    "https://www.youtube-nocookie.com/",
    "https://vimeo.com/",
    "https://vimeo.com/76979871#t=",
    "https://player.vimeo.com/video/",
    "http://",
    "javascript:",
    "https://[",
]


@given(
    st.one_of(
        st.text(),
        st.builds(str.__add__, st.sampled_from(URL_PREFIXES), st.text()),
    )
)
def test_any_text_either_parses_to_a_known_provider_or_raises_validation_error(text):
    """For any text, parse_video_url returns a youtube/vimeo VideoRef or raises ValidationError."""
    try:
        ref = parse_video_url(text)
    except ValidationError as error:
        assert error.code in {"unsupported_video_url", "missing_video_id", "invalid_start_time"}
    else:
        assert isinstance(ref, VideoRef)
        assert ref.provider in {YOUTUBE, VIMEO}
        assert ref.start_seconds >= 0


@given(video_id=youtube_ids, start=start_seconds)
def test_youtube_id_and_start_round_trip_through_every_url_form(video_id, start):
    """Watch, youtu.be and embed URLs built from any id and start parse back to them."""
    urls = [
        f"https://www.youtube.com/watch?v={video_id}&t={start}",
        f"https://www.youtube.com/watch?v={video_id}&t={start}s",
        f"https://youtu.be/{video_id}?t={start}",
        f"https://www.youtube.com/embed/{video_id}?start={start}",
    ]
    for url in urls:
        ref = parse_video_url(url)
        assert (ref.provider, ref.video_id, ref.start_seconds) == (YOUTUBE, video_id, start), url


@given(video_id=youtube_ids, start=start_seconds)
def test_youtube_ref_round_trips_through_its_own_watch_and_embed_urls(video_id, start):
    """A VideoRef's own watch_url() and embed_url() parse back to the same VideoRef."""
    ref = VideoRef(YOUTUBE, video_id, start_seconds=start)
    assert parse_video_url(ref.watch_url()) == ref
    assert parse_video_url(ref.embed_url()) == ref


@given(video_id=vimeo_ids, start=start_seconds, vimeo_hash=st.one_of(st.just(""), vimeo_hashes))
def test_vimeo_id_start_and_hash_round_trip(video_id, start, vimeo_hash):
    """Vimeo page and player URLs built from any numeric id, hash and start parse back."""
    page_path = f"{video_id}/{vimeo_hash}" if vimeo_hash else video_id
    player_query = f"?h={vimeo_hash}" if vimeo_hash else ""
    urls = [
        f"https://vimeo.com/{page_path}#t={start}s",
        f"https://player.vimeo.com/video/{video_id}{player_query}#t={start}",
    ]
    expected = VideoRef(VIMEO, video_id, start_seconds=start, vimeo_hash=vimeo_hash)
    for url in urls:
        assert parse_video_url(url) == expected, url
    assert parse_video_url(expected.watch_url()) == expected
    assert parse_video_url(expected.embed_url()) == expected


@given(st.integers(min_value=0, max_value=9999 * 60 + 59))
def test_parse_timestamp_reads_back_formatted_minutes_and_seconds(seconds):
    """parse_timestamp of an "m:ss" string built from N seconds returns N."""
    minutes, rest = divmod(seconds, 60)
    assert parse_timestamp(f"{minutes}:{rest:02d}") == seconds


@given(st.integers(min_value=0, max_value=999 * 3600 + 3599))
def test_parse_timestamp_reads_back_formatted_units_and_colons(seconds):
    """parse_timestamp of "h:mm:ss" and "XhYmZs" strings built from N seconds returns N."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    assert parse_timestamp(f"{hours}:{minutes:02d}:{secs:02d}") == seconds
    assert parse_timestamp(f"{hours}h{minutes}m{secs}s") == seconds
