"""The schema.org JSON-LD the pages carry, parsed as a search engine reads it.

Required and recommended properties follow Google's structured-data guides (Article,
Video with Clip key moments) and schema.org's definitions (MusicRecording, MusicAlbum,
Comment, WebSite, BreadcrumbList).
"""

import datetime
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from blog.demo import demo_load
from blog.models import Credit, Post
from comments.conf import discussion_settings
from comments.models import Comment
from site_settings.conf import site_settings
from tests.blog.images import image_bytes
from tests.blog.test_views import POST_PAGE_QUERIES_CACHED
from tests.factories import (
    CommentFactory,
    CreditFactory,
    DraftFactory,
    PostFactory,
    PostTrackFactory,
    ScheduledFactory,
    StaffFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db

ROCKY = "rocky-training-in-russia-rocky-iv"
ORIGIN = "http://testserver"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2})?$")


def structured_data(content):
    """Every JSON-LD block of a page, parsed."""
    if isinstance(content, bytes):
        content = content.decode()
    return [json.loads(block) for block in SCRIPT.findall(content)]


def graph_of(content):
    """The nodes of the page's one JSON-LD block, by @type."""
    (data,) = structured_data(content)
    assert data["@context"] == "https://schema.org"
    nodes = data.get("@graph", [data])
    return {node["@type"]: node for node in nodes}


def posting_of(post, client, **params):
    return graph_of(client.get(post.get_absolute_url(), params).content)["BlogPosting"]


def _rocky():
    demo_load()
    return Post.objects.get(slug=ROCKY)


def test_demo_post_is_a_blog_posting_with_what_google_asks_of_an_article(client):
    """The Rocky IV post names its headline, dates, author, section, tags and page."""
    post = _rocky()
    posting = posting_of(post, client)
    assert posting["headline"] == "Rocky training in Russia [Rocky IV]"
    assert posting["description"] == post.lead
    url = f"{ORIGIN}/posts/{ROCKY}/"
    assert posting["url"] == url
    assert posting["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert datetime.datetime.fromisoformat(posting["datePublished"]) == post.published_at
    assert datetime.datetime.fromisoformat(posting["dateModified"]) == post.updated_at
    assert ISO_DATE.match(posting["datePublished"])
    assert posting["author"]["@type"] == "Person"
    assert posting["author"]["name"]
    assert posting["publisher"] == {
        "@type": "Organization",
        "name": site_settings().title,
        "url": f"{ORIGIN}/",
    }
    assert posting["articleSection"] == "Training montages"
    assert set(posting["keywords"]) == {
        "Rocky",
        "1980s",
        "Sylvester Stallone",
        "boxing",
        "Wyoming",
    }
    assert posting["commentCount"] == 0


def test_demo_video_is_a_video_object_whose_timed_tracks_are_key_moments(client):
    """The clip names its thumbnail, upload date, length and player; each timed track is a
    Clip from its start to the next track's, the last one to the end of the video."""
    post = _rocky()
    (video,) = posting_of(post, client)["video"]
    assert video["@type"] == "VideoObject"
    assert video["name"] == "Rocky IV: the two training montages"
    assert video["description"] == post.lead
    assert video["thumbnailUrl"].startswith(f"{ORIGIN}/")
    assert ISO_DATE.match(video["uploadDate"])
    assert video["duration"] == "PT7M5S"
    assert video["embedUrl"].startswith("https://www.youtube-nocookie.com/embed/")
    assert video["url"].startswith("https://www.youtube.com/watch?v=")
    clips = video["hasPart"]
    assert [clip["@type"] for clip in clips] == ["Clip", "Clip"]
    assert [clip["name"] for clip in clips] == ["Hearts on Fire", "Training Montage"]
    assert [(clip["startOffset"], clip["endOffset"]) for clip in clips] == [(0, 192), (192, 425)]
    assert clips[1]["url"] == f"{video['url']}&t=192s"


def test_demo_clip_offsets_are_whole_seconds_in_order_inside_the_video(client):
    """Key moments are integers, each ending after it starts, none past the video's end."""
    demo_load()
    for post in Post.objects.published().filter(videos__isnull=False).distinct():
        for video in posting_of(post, client).get("video", []):
            hours, minutes, seconds = re.fullmatch(
                r"PT(?:(\d+)H)?(?:(\d+)M)?(\d+)S", video["duration"]
            ).groups()
            length = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds)
            previous_start = 0
            for clip in video.get("hasPart", []):
                start, end = clip["startOffset"], clip["endOffset"]
                assert isinstance(start, int) and isinstance(end, int), post.slug
                assert previous_start <= start < end <= length, post.slug
                assert clip["name"] and clip["url"].startswith("https://")
                previous_start = start


def test_demo_tracks_are_music_recordings_with_performers_composers_and_album(client):
    """A track names its performers, composers and album, with the label and release date."""
    posting = posting_of(_rocky(), client)
    heard = {recording["name"]: recording for recording in posting["video"][0]["audio"]}
    assert set(heard) == {"Hearts on Fire", "Training Montage"}
    hearts = heard["Hearts on Fire"]
    assert hearts["@type"] == "MusicRecording"
    assert hearts["byArtist"] == [{"@type": "MusicGroup", "name": "John Cafferty"}]
    assert [person["name"] for person in hearts["composer"]] == [
        "Vince DiCola",
        "Joe Esposito",
        "Ed Fruge",
    ]
    assert {person["@type"] for person in hearts["composer"]} == {"Person"}
    assert hearts["inAlbum"] == {
        "@type": "MusicAlbum",
        "name": "Rocky IV: Original Motion Picture Soundtrack",
        "recordLabel": {"@type": "Organization", "name": "Scotti Bros. Records"},
        "datePublished": "1985-11-27",
    }
    named = {recording["name"]: recording for recording in posting["mentions"]}
    assert set(named) == {
        "Burning Heart",
        "Living in America",
        "No Easy Way Out",
        "Going the Distance",
    }
    # The score's album has no release date in the demo: none is made up.
    assert named["Going the Distance"]["inAlbum"] == {
        "@type": "MusicAlbum",
        "name": "Rocky: Original Motion Picture Score",
        "recordLabel": {"@type": "Organization", "name": "United Artists Records"},
    }


def test_demo_breadcrumbs_lead_from_home_through_the_category_to_the_post(client):
    """The post's breadcrumb trail is the site, the category, then the post."""
    post = _rocky()
    crumbs = graph_of(client.get(post.get_absolute_url()).content)["BreadcrumbList"]
    items = crumbs["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items][1:] == ["Training montages", post.title]
    assert items[0]["item"] == f"{ORIGIN}/"
    assert items[2]["item"] == f"{ORIGIN}{post.get_absolute_url()}"


def test_author_is_the_public_name_never_the_login_name_or_email(client, settings):
    """The posting's author is the name readers see on the byline."""
    settings.MONTAGE_AUTHOR_NAME = "Sly Writer"
    author = UserFactory(username="login-sly", email="sly-login@example.com")
    post = PostFactory(author=author)
    page = client.get(post.get_absolute_url()).content.decode()
    assert posting_of(post, client)["author"] == {"@type": "Person", "name": "Sly Writer"}
    (block,) = SCRIPT.findall(page)
    assert "login-sly" not in block
    assert "sly-login@example.com" not in block


def test_approved_comments_are_comment_entries_with_replies_inside_and_no_email(client):
    """Approved comments name their author, website, date and text; replies sit inside
    their parent; a pending comment and every commenter's email stay out."""
    post = PostFactory()
    first = CommentFactory(
        target=post, name="Adrian", email="adrian@example.com", url="https://adrian.example/"
    )
    CommentFactory(
        target=post, parent=first, name="Paulie", email="paulie@example.com", text="Yo."
    )
    CommentFactory(
        target=post,
        name="Spider Rico",
        email="rico@example.com",
        status=Comment.Status.PENDING,
        text="Held back.",
    )
    page = client.get(post.get_absolute_url()).content.decode()
    posting = posting_of(post, client)
    assert posting["commentCount"] == 2
    (entry,) = posting["comment"]
    assert entry["@type"] == "Comment"
    assert entry["author"] == {
        "@type": "Person",
        "name": "Adrian",
        "url": "https://adrian.example/",
    }
    assert entry["text"] == first.text
    assert datetime.datetime.fromisoformat(entry["dateCreated"]) == first.created_at
    assert entry["url"] == f"{ORIGIN}{post.get_absolute_url()}#comment-{first.pk}"
    (reply,) = entry["comment"]
    assert reply["author"] == {"@type": "Person", "name": "Paulie"}
    assert reply["text"] == "Yo."
    for address in ["adrian@example.com", "paulie@example.com", "rico@example.com"]:
        assert address not in page
    assert "Spider Rico" not in page


def test_a_title_or_comment_cannot_break_out_of_the_script_block(client):
    """``</script>`` or ``<!--`` in a title, lead or comment stays text inside the JSON."""
    hostile = '</script><script>alert("title")</script><!--'
    post = PostFactory(title=hostile, lead=f"Lead {hostile}")
    VideoFactory(post=post, title=hostile)
    CommentFactory(target=post, name=hostile, text=f"Comment {hostile}")
    page = client.get(post.get_absolute_url()).content.decode()
    (block,) = SCRIPT.findall(page)
    assert "<" not in block and ">" not in block
    posting = graph_of(page)["BlogPosting"]
    assert posting["headline"] == hostile
    assert posting["video"][0]["name"] == hostile
    assert posting["comment"][0]["text"] == f"Comment {hostile}"
    assert '<script>alert("title")' not in page


def test_post_with_a_poster_gives_it_as_the_image_and_the_thumbnail(client):
    """The poster is the posting's image (absolute, with its size) and the video's thumbnail."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"), poster_alt="Snow")
    VideoFactory(post=post)
    posting = posting_of(post, client)
    image = posting["image"]
    assert image["@type"] == "ImageObject"
    assert image["url"] == f"{ORIGIN}{post.poster.url}"
    assert (image["width"], image["height"]) == (1600, 900)
    assert posting["video"][0]["thumbnailUrl"] == image["url"]


def test_post_without_a_poster_has_no_image_and_the_placeholder_as_thumbnail(client):
    """Without a poster nothing is claimed as the image; the video shows the local placeholder."""
    post = PostFactory()
    VideoFactory(post=post)
    posting = posting_of(post, client)
    assert "image" not in posting
    assert posting["video"][0]["thumbnailUrl"] == f"{ORIGIN}/static/img/poster.svg"


def test_last_key_moment_has_no_end_when_the_video_length_is_unknown(client):
    """Without the video's length the last clip's end is unknown, and left out."""
    video = VideoFactory(duration_seconds=None)
    PostTrackFactory(post=video.post, video=video, starts_at=90, track__title="Later")
    PostTrackFactory(post=video.post, video=video, starts_at=10, track__title="Sooner")
    data = posting_of(video.post, client)["video"][0]
    assert "duration" not in data
    assert [clip["name"] for clip in data["hasPart"]] == ["Sooner", "Later"]
    assert data["hasPart"][0]["endOffset"] == 90
    assert "endOffset" not in data["hasPart"][1]


def test_a_track_said_to_start_after_the_video_ends_is_no_key_moment(client):
    """A start past the video's length is not a moment of that video."""
    video = VideoFactory(duration_seconds=120)
    PostTrackFactory(post=video.post, video=video, starts_at=30, track__title="Inside")
    PostTrackFactory(post=video.post, video=video, starts_at=600, track__title="Outside")
    clips = posting_of(video.post, client)["video"][0]["hasPart"]
    assert [(clip["name"], clip["startOffset"], clip["endOffset"]) for clip in clips] == [
        ("Inside", 30, 120)
    ]


def test_each_video_lists_only_the_tracks_that_play_in_it(client):
    """With two videos, a track timed in the second is a moment of the second only."""
    post = PostFactory()
    first, second = VideoFactory(post=post), VideoFactory(post=post, title="Second")
    PostTrackFactory(post=post, starts_at=5, track__title="Default video")
    PostTrackFactory(post=post, video=second, starts_at=7, track__title="Second video")
    videos = posting_of(post, client)["video"]
    assert [[clip["name"] for clip in video["hasPart"]] for video in videos] == [
        ["Default video"],
        ["Second video"],
    ]
    assert videos[1]["hasPart"][0]["url"].endswith(f"v={second.video_id}&t=7s")
    assert first.video_id not in videos[1]["hasPart"][0]["url"]


@pytest.mark.parametrize(
    "make",
    [
        DraftFactory,
        ScheduledFactory,
        lambda **kwargs: PostFactory(status=Post.Status.PRIVATE, **kwargs),
    ],
    ids=["draft", "scheduled", "private"],
)
def test_unpublished_post_shows_readers_no_structured_data(client, make):
    """A draft, scheduled or private post is not found, and no reader page describes it."""
    post = make(title="Hidden montage", tags=["hidden-tag"])
    PostTrackFactory(post=post, track__title="Hidden track")
    shown = PostFactory(category=post.category)
    assert client.get(post.get_absolute_url()).status_code == 404
    for address in [
        reverse("blog:home"),
        shown.get_absolute_url(),
        shown.category.get_absolute_url(),
        reverse("blog:archive"),
    ]:
        page = client.get(address).content.decode()
        blocks = "".join(SCRIPT.findall(page))
        assert "Hidden" not in blocks, address
        assert "hidden-tag" not in blocks, address


def test_staff_preview_of_a_draft_carries_its_structured_data(client):
    """Staff looking at a draft see it as readers will, structured data included."""
    post = DraftFactory(title="Not yet")
    client.force_login(StaffFactory())
    assert posting_of(post, client)["headline"] == "Not yet"


@pytest.mark.usefixtures("without_page_cache")
def test_comments_in_the_structured_data_cost_no_query_once_cached(
    client, django_assert_num_queries
):
    """A repeat view lists the comments from the cached thread: no query more."""
    post = PostFactory()
    for number in range(5):
        CommentFactory(target=post, name=f"Reader {number}")
    ContentType.objects.get_for_model(post)
    discussion_settings()
    site_settings()
    client.get(post.get_absolute_url())
    with django_assert_num_queries(POST_PAGE_QUERIES_CACHED):
        content = client.get(post.get_absolute_url()).content
    posting = graph_of(content)["BlogPosting"]
    assert [entry["author"]["name"] for entry in posting["comment"]] == [
        f"Reader {number}" for number in range(5)
    ]


def test_a_comment_page_lists_only_its_own_comments(client):
    """On the second page of comments, the structured data lists that page's comments."""
    post = PostFactory()
    per_page = discussion_settings().per_page
    for number in range(per_page + 1):
        CommentFactory(target=post, name=f"Reader {number}")
    posting = posting_of(post, client, cpage=2)
    assert [entry["author"]["name"] for entry in posting["comment"]] == [f"Reader {per_page}"]
    assert posting["commentCount"] == per_page + 1


def test_a_comment_approved_in_bulk_shows_in_the_structured_data_at_once(client):
    """The cached JSON-LD is not served once another comment is approved, even by update()."""
    post = PostFactory()
    CommentFactory(target=post, name="Apollo Creed")
    late = CommentFactory(target=post, name="Ivan Drago", status=Comment.Status.PENDING)
    assert [e["author"]["name"] for e in posting_of(post, client)["comment"]] == ["Apollo Creed"]
    Comment.objects.filter(pk=late.pk).update(status=Comment.Status.APPROVED)
    posting = posting_of(post, client)
    assert [e["author"]["name"] for e in posting["comment"]] == ["Apollo Creed", "Ivan Drago"]
    assert posting["commentCount"] == 2


def test_structured_data_names_the_address_the_page_was_asked_at(client, settings):
    """A page asked for at another of the site's names links to that name, not the first."""
    settings.ALLOWED_HOSTS = ["testserver", "blog.example.com"]
    post = PostFactory()
    CommentFactory(target=post)
    client.get(post.get_absolute_url())
    response = client.get(post.get_absolute_url(), headers={"host": "blog.example.com"})
    posting = graph_of(response.content)["BlogPosting"]
    assert posting["comment"][0]["url"].startswith("http://blog.example.com/posts/")
    assert posting["url"].startswith("http://blog.example.com/posts/")


def test_credits_edited_show_in_the_structured_data_at_once(client):
    """A new composer is in the JSON-LD on the next view, as on the page."""
    video = VideoFactory()
    entry = PostTrackFactory(post=video.post, starts_at=0)
    client.get(video.post.get_absolute_url())
    CreditFactory(track=entry.track, artist__name="Vince DiCola", role=Credit.Role.WRITER)
    recording = posting_of(video.post, client)["video"][0]["audio"][0]
    assert recording["composer"] == [{"@type": "Person", "name": "Vince DiCola"}]


def test_home_describes_the_site_and_how_to_search_it(client):
    """The home page is a WebSite with a SearchAction whose template is the search page."""
    data = graph_of(client.get(reverse("blog:home")).content)["WebSite"]
    assert data["url"] == f"{ORIGIN}/"
    assert data["name"] == site_settings().title
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{ORIGIN}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"


def test_category_page_is_a_collection_page_with_breadcrumbs(client):
    """A category page is a CollectionPage, under the home page in its breadcrumbs."""
    post = PostFactory(category__name="Training montages", category__slug="training")
    data = graph_of(client.get(post.category.get_absolute_url()).content)["CollectionPage"]
    assert data["name"] == "Training montages"
    assert data["url"] == f"{ORIGIN}/category/training/"
    items = data["breadcrumb"]["itemListElement"]
    assert [item["item"] for item in items] == [f"{ORIGIN}/", f"{ORIGIN}/category/training/"]


def test_month_archive_breadcrumbs_pass_through_the_archive_and_the_year(client):
    """A month's page sits under the archive and its year."""
    post = PostFactory()
    day = timezone.localtime(post.published_at)
    address = reverse("blog:archive_month", kwargs={"year": day.year, "month": day.month})
    data = graph_of(client.get(address).content)["CollectionPage"]
    items = data["breadcrumb"]["itemListElement"]
    assert [item["item"] for item in items] == [
        f"{ORIGIN}/",
        f"{ORIGIN}/archive/",
        f"{ORIGIN}/archive/{day.year}/",
        f"{ORIGIN}{address}",
    ]


def test_a_renamed_category_shows_in_the_structured_data_at_once(client):
    """The section and breadcrumbs follow a category's new name on the next view."""
    post = PostFactory(category__name="Montages")
    client.get(post.get_absolute_url())
    post.category.name = "Training montages"
    post.category.save()
    graph = graph_of(client.get(post.get_absolute_url()).content)
    assert graph["BlogPosting"]["articleSection"] == "Training montages"
    names = [item["name"] for item in graph["BreadcrumbList"]["itemListElement"]]
    assert names[1] == "Training montages"
