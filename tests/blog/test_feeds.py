import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from blog.feeds import FEED_ITEMS, absolute_urls, tag_uri
from blog.models import POSTER, Post
from comments.models import Comment
from site_settings.models import SiteSettings
from tests.blog.images import image_upload
from tests.blog.test_pages import VERSION_QUERIES
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    CreditFactory,
    DraftFactory,
    PostFactory,
    PostTrackFactory,
    ScheduledFactory,
    UserFactory,
    VideoFactory,
)
from tests.site_settings.helpers import save_settings

pytestmark = pytest.mark.django_db

POST_FEEDS = ["blog:feed", "blog:feed_atom"]
COMMENT_FEEDS = ["blog:comments_feed", "blog:comments_feed_atom"]
MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC_822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


def _read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return parsed


def _full_post(**kwargs):
    """A post with everything a feed shows: poster, video, soundtrack, tags, a comment."""
    post = PostFactory(
        title="Rocky & Drago",
        lead="Two training montages <in> the snow.",
        body="A [related post](/posts/other/) and a note.[^1]\n\n[^1]: The note.",
        poster_alt="Rocky in the snow",
        tags=["boxing", "1980s"],
        **{"poster": image_upload()} | kwargs,
    )
    VideoFactory(post=post, url="https://www.youtube.com/watch?v=RockyIVdemo", title="Rocky IV")
    entry = PostTrackFactory(post=post, track__title="Hearts on Fire", starts_at=192)
    CreditFactory(track=entry.track, artist__name="John Cafferty")
    CommentFactory(target=post, name="Ivan", email="ivan@example.com", text="Great scene.")
    return Post.objects.get(pk=post.pk)


def _all_feed_urls(post):
    category, tag = post.category.slug, "boxing"
    return [
        reverse("blog:feed"),
        reverse("blog:feed_atom"),
        reverse("blog:category_feed", args=[category]),
        reverse("blog:category_feed_atom", args=[category]),
        reverse("blog:tag_feed", args=[tag]),
        reverse("blog:tag_feed_atom", args=[tag]),
        reverse("blog:comments_feed"),
        reverse("blog:comments_feed_atom"),
        reverse("blog:post_comments_feed", args=[post.slug]),
        reverse("blog:post_comments_feed_atom", args=[post.slug]),
    ]


def test_every_feed_reads_without_a_single_complaint_from_a_feed_reader(client):
    """feedparser reports nothing wrong with any of the ten feeds, each with its item."""
    post = _full_post()
    for url in _all_feed_urls(post):
        parsed = _read(client, url)
        assert len(parsed.entries) == 1, url
        assert parsed.version in {"rss20", "atom10"}


@pytest.mark.parametrize("name", POST_FEEDS)
def test_drafts_scheduled_and_private_posts_never_appear_in_a_feed(client, name):
    """Only published posts whose time has come are in the site feed."""
    PostFactory(title="Out now")
    DraftFactory(title="Half-written")
    ScheduledFactory(title="Coming soon")
    PostFactory(title="Kept to myself", status=Post.Status.PRIVATE)
    titles = [entry.title for entry in _read(client, reverse(name)).entries]
    assert titles == ["Out now"]


def test_hidden_posts_stay_out_of_category_and_tag_feeds(client):
    """A category's and a tag's feeds hold back drafts and scheduled posts like the site's."""
    category = CategoryFactory(slug="montages")
    PostFactory(title="Out now", category=category, tags=["boxing"])
    DraftFactory(title="Half-written", category=category, tags=["boxing"])
    ScheduledFactory(title="Coming soon", category=category, tags=["boxing"])
    for url in (
        reverse("blog:category_feed", args=["montages"]),
        reverse("blog:tag_feed_atom", args=["boxing"]),
    ):
        assert [entry.title for entry in _read(client, url).entries] == ["Out now"]


@pytest.mark.parametrize("name", COMMENT_FEEDS)
def test_comment_feed_holds_only_approved_comments_on_published_posts(client, name):
    """Pending comments, and comments on a draft or a scheduled post, stay out."""
    post = PostFactory(title="Out now")
    CommentFactory(target=post, name="Shown", text="Approved.")
    CommentFactory(target=post, name="Waiting", status=Comment.Status.PENDING)
    CommentFactory(target=post, name="Spammer", status=Comment.Status.SPAM)
    CommentFactory(target=DraftFactory(), name="On a draft")
    CommentFactory(target=ScheduledFactory(), name="On a scheduled post")
    entries = _read(client, reverse(name)).entries
    assert [entry.author for entry in entries] == ["Shown"]
    assert entries[0].title == "Shown on “Out now”"


def test_a_comment_links_to_the_comment_page_that_shows_it(client, settings):
    """Past the first page of threads, an entry's link opens the page its thread is on."""
    settings.COMMENTS_PER_PAGE = 2
    post = PostFactory(slug="rocky")
    first = CommentFactory(target=post)
    reply = CommentFactory(target=post, parent=first)
    CommentFactory(target=post)
    third = CommentFactory(target=post)
    late_reply = CommentFactory(target=post, parent=third)
    entries = _read(client, reverse("blog:comments_feed")).entries
    links = {entry.id: entry.link for entry in entries}
    page_one = f"http://testserver/posts/rocky/#comment-{reply.pk}"
    page_two = f"http://testserver/posts/rocky/?cpage=2#comment-{late_reply.pk}"
    assert links[tag_uri("comment", reply)] == page_one
    assert links[tag_uri("comment", late_reply)] == page_two
    assert links[tag_uri("comment", third)].endswith(f"?cpage=2#comment-{third.pk}")


def test_no_commenter_email_appears_in_any_comment_feed(client):
    """A commenter's address is in no byte of the site's or the post's comment feeds."""
    post = _full_post()
    CommentFactory(target=post, name="Ludmilla", email="Ludmilla.Secret@example.org")
    for url in _all_feed_urls(post)[6:]:
        content = client.get(url).content.decode().lower()
        assert "@example." not in content, url
        assert "ludmilla" in content


def test_post_author_is_the_public_name_never_the_login(client, settings):
    """The byline in both formats is the author's public name; the login name is nowhere."""
    settings.MONTAGE_AUTHOR_NAME = "Ada Lovelace"
    PostFactory(author=UserFactory(username="secret-login", email="ada@example.com"))
    for name in POST_FEEDS:
        response = client.get(reverse(name))
        parsed = feedparser.parse(response.content)
        assert parsed.entries[0].author == "Ada Lovelace"
        assert b"secret-login" not in response.content
        assert b"ada@example.com" not in response.content
    assert b"<dc:creator" in client.get(reverse("blog:feed")).content


def test_guid_stays_the_same_when_a_post_is_edited_and_its_slug_changes(client):
    """A reader never gets a post twice: its GUID outlives a new title, body and slug."""
    post = PostFactory(title="First title", slug="first-slug")
    before = _read(client, reverse("blog:feed")).entries[0]
    post.title, post.slug, post.body = "Second title", "second-slug", "Rewritten."
    post.save()
    after = _read(client, reverse("blog:feed")).entries[0]
    assert after.title == "Second title"
    assert after.link.endswith("/posts/second-slug/")
    assert after.id == before.id
    assert after.id.startswith("tag:")
    assert after.guidislink is False


def test_an_imported_post_keeps_the_guid_its_old_feed_gave_it(client):
    """Readers who followed the blog before it moved here see no old post as new."""
    PostFactory(feed_guid="https://old.example.org/?p=42")
    PostFactory()
    rss = [entry.id for entry in _read(client, reverse("blog:feed")).entries]
    atom = [entry.id for entry in _read(client, reverse("blog:feed_atom")).entries]
    assert "https://old.example.org/?p=42" in rss and "https://old.example.org/?p=42" in atom
    assert len(set(rss)) == 2


@pytest.mark.parametrize("name", [*POST_FEEDS, *COMMENT_FEEDS])
def test_every_item_has_its_own_guid(client, name):
    """No two items of a feed share an id."""
    for _ in range(3):
        CommentFactory(target=PostFactory())
    ids = [entry.id for entry in _read(client, reverse(name)).entries]
    assert len(ids) == len(set(ids)) == 3


def test_rss_guid_is_marked_as_no_permalink(client):
    """The RSS guid says it is not an address, so readers do not open it."""
    PostFactory()
    assert b'<guid isPermaLink="false">tag:' in client.get(reverse("blog:feed")).content


def test_every_address_in_a_full_entry_is_absolute(client):
    """Links and images inside the content lead to this site, not to the reader's."""
    _full_post()
    for name in POST_FEEDS:
        entry = _read(client, reverse(name)).entries[0]
        content = entry.content[0].value
        addresses = re.findall(r'(?:href|src)="([^"]*)"', content)
        assert addresses
        assert all(address.startswith(("http://", "https://")) for address in addresses)
        assert 'href="http://testserver/posts/other/"' in content
        assert re.search(r'src="http://testserver/media/posters/\d{4}/[^"]+\.jpg"', content)
        assert re.search(r'href="http://testserver/posts/[^"#]+#body-fn', content)
        assert entry.link.startswith("http://testserver/posts/")


def test_responsive_images_in_content_load_from_the_site():
    """Every candidate of a srcset gets the site's address; text that looks like one does not."""
    html = (
        '<p>src="/x"</p><picture><source srcset="/media/a.webp 480w, /media/b.webp 960w">'
        '<img src="/media/a.jpg" alt="A &quot;quote&quot;"></picture><a href="mailto:a@b.c">m</a>'
    )
    base = "https://montage.example/posts/rocky/"
    assert absolute_urls(html, base=base) == (
        '<p>src="/x"</p><picture><source srcset="https://montage.example/media/a.webp 480w, '
        'https://montage.example/media/b.webp 960w">'
        '<img src="https://montage.example/media/a.jpg" alt="A &quot;quote&quot;"></picture>'
        '<a href="mailto:a@b.c">m</a>'
    )


def test_rss_dates_are_rfc_822_and_atom_dates_rfc_3339(client):
    """Each format writes its own date format; Atom's updated is the post's last change."""
    post = PostFactory()
    rss = ET.fromstring(client.get(reverse("blog:feed")).content)
    assert RFC_822.match(rss.find("channel/item/pubDate").text)
    atom = ET.fromstring(client.get(reverse("blog:feed_atom")).content)
    entry = atom.find(f"{ATOM}entry")
    published, updated = entry.find(f"{ATOM}published").text, entry.find(f"{ATOM}updated").text
    assert RFC_3339.match(published) and RFC_3339.match(updated)
    assert datetime.datetime.fromisoformat(updated) == post.updated_at


def test_full_content_has_lead_video_link_poster_body_and_soundtrack(client):
    """By default an entry carries the whole post, with the video as a link, not a player."""
    _full_post()
    rss = _read(client, reverse("blog:feed")).entries[0]
    assert rss.summary == "<p>Two training montages &lt;in&gt; the snow.</p>"
    content = rss.content[0].value
    assert "Two training montages &lt;in&gt; the snow." in content
    assert 'href="https://www.youtube.com/watch?v=RockyIVdemo"' in content
    assert 'alt="Rocky in the snow"' in content
    assert "related post" in content
    assert "Hearts on Fire — John Cafferty" in content
    assert 'href="https://www.youtube.com/watch?v=RockyIVdemo&amp;t=192s">3:12</a>' in content
    assert "<iframe" not in content and "<script" not in content
    atom = _read(client, reverse("blog:feed_atom")).entries[0]
    assert atom.summary == rss.summary
    assert atom.content[0].value == content


def test_titles_keep_their_ampersand_in_both_formats(client):
    """“Rocky & Drago” reads the same in an RSS and an Atom reader."""
    _full_post()
    for name in POST_FEEDS:
        assert _read(client, reverse(name)).entries[0].title == "Rocky & Drago"


def test_lead_only_setting_sends_the_lead_and_a_link(
    client, author, django_capture_on_commit_callbacks
):
    """With “Feeds show: the lead only” saved in the admin, entries carry no full content."""
    _full_post()
    save_settings(client, django_capture_on_commit_callbacks, feed_content="lead")
    assert SiteSettings.objects.get().feed_content == "lead"
    client.logout()
    for name in POST_FEEDS:
        entry = _read(client, reverse(name)).entries[0]
        assert "content" not in entry
        assert entry.summary == "<p>Two training montages &lt;in&gt; the snow.</p>"
        assert entry.link.startswith("http://testserver/posts/")
    assert b"content:encoded" not in client.get(reverse("blog:feed")).content


def test_poster_is_the_enclosure_with_its_byte_length(client):
    """The poster goes as an RSS enclosure and an Atom enclosure link, with its true size."""
    post = _full_post()
    size = str(post.poster.size)
    rss = ET.fromstring(client.get(reverse("blog:feed")).content)
    enclosure = rss.find("channel/item/enclosure")
    assert enclosure.get("url").startswith("http://testserver/media/posters/")
    assert (enclosure.get("length"), enclosure.get("type")) == (size, "image/jpeg")
    atom = _read(client, reverse("blog:feed_atom")).entries[0]
    link = next(link for link in atom.links if link.rel == "enclosure")
    assert (link.href, link.length, link.type) == (enclosure.get("url"), size, "image/jpeg")


def test_the_enclosure_length_is_kept_at_upload_and_the_storage_is_not_asked(client, monkeypatch):
    """On S3 each question to the storage is a request: a feed of 20 posts asks none."""
    post = _full_post()
    assert post.poster_size == post.poster.size

    def no_stat(self, name):
        raise AssertionError(f"the feed asked the storage for the size of {name}")

    monkeypatch.setattr(FileSystemStorage, "size", no_stat)
    rss = ET.fromstring(client.get(reverse("blog:feed")).content)
    assert rss.find("channel/item/enclosure").get("length") == str(post.poster_size)


def test_a_poster_stored_before_sizes_were_kept_is_asked_for_its_size(client):
    post = _full_post()
    Post.objects.filter(pk=post.pk).update(poster_size=None)
    rss = ET.fromstring(client.get(reverse("blog:feed")).content)
    assert rss.find("channel/item/enclosure").get("length") == str(post.poster.size)


@pytest.mark.parametrize("name", POST_FEEDS)
def test_media_rss_gives_the_poster_size_thumbnail_and_video(client, name):
    """Media RSS names the poster with its width and height, a thumbnail and the video."""
    post = _full_post()
    root = ET.fromstring(client.get(reverse(name)).content)
    item = root.find("channel/item") if name == "blog:feed" else root.find(f"{ATOM}entry")
    content = item.find(f"{MEDIA}content")
    assert (content.get("width"), content.get("height")) == (
        str(post.poster_width),
        str(post.poster_height),
    )
    assert content.get("medium") == "image"
    thumbnail = item.find(f"{MEDIA}thumbnail")
    assert thumbnail.get("url").startswith("http://testserver/media/")
    assert int(thumbnail.get("width")) < post.poster_width
    player = item.find(f"{MEDIA}player")
    assert player.get("url") == "https://www.youtube.com/watch?v=RockyIVdemo"


def test_an_entry_links_its_post_comments_feed(client):
    """RSS entries name the post's comment feed (wfw), Atom entries link it as replies."""
    post = PostFactory()
    rss = client.get(reverse("blog:feed")).content.decode()
    assert f"<wfw:commentRss>http://testserver/posts/{post.slug}/feed/</wfw:commentRss>" in rss
    atom = _read(client, reverse("blog:feed_atom")).entries[0]
    replies = next(link for link in atom.links if link.rel == "replies")
    assert replies.href == f"http://testserver/posts/{post.slug}/feed/atom/"


@pytest.mark.parametrize("name", [*POST_FEEDS, *COMMENT_FEEDS])
def test_an_unchanged_feed_answers_304_to_its_etag(client, name):
    """A reader asking again with the ETag it holds gets 304 and no body."""
    CommentFactory(target=PostFactory())
    first = client.get(reverse(name))
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(reverse(name), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_an_unchanged_feed_answers_304_to_if_modified_since(client):
    """A reader sending only the date it last saw gets 304 until a post changes."""
    PostFactory()
    first = client.get(reverse("blog:feed"))
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(reverse("blog:feed"), headers=since).status_code == 304


def test_last_modified_is_the_latest_change(client):
    """Last-Modified is the time of the newest edit among the feed's posts."""
    post = PostFactory()
    response = client.get(reverse("blog:feed"))
    assert response["Last-Modified"] == http_date(post.updated_at.timestamp())


def test_a_304_costs_one_query_and_no_rendering(client, django_assert_num_queries):
    """The conditional answer comes from one aggregate query, before any item is read."""
    for _ in range(3):
        PostTrackFactory(post=PostFactory())
    etag = client.get(reverse("blog:feed"))["ETag"]
    with django_assert_num_queries(VERSION_QUERIES + 1):
        response = client.get(reverse("blog:feed"), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_editing_a_post_changes_the_etag(client):
    """An edit gives a new ETag, so the reader gets the new text."""
    post = PostFactory()
    etag = client.get(reverse("blog:feed"))["ETag"]
    post.title = "A better title"
    post.save()
    response = client.get(reverse("blog:feed"), headers={"if-none-match": etag})
    assert response.status_code == 200


def test_deleting_a_post_changes_the_etag(client):
    """A deleted post leaves the feed at once, though nothing newer was saved."""
    PostFactory()
    older = PostFactory(published_at=timezone.now() - datetime.timedelta(days=9))
    etag = client.get(reverse("blog:feed"))["ETag"]
    older.delete()
    response = client.get(reverse("blog:feed"), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == 1


def test_a_scheduled_post_falling_due_changes_the_etag_and_date(client):
    """When a scheduled post's time comes, readers holding the old feed get the new one."""
    PostFactory()
    scheduled = ScheduledFactory(title="Now out")
    Post.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    first = client.get(reverse("blog:feed"))
    # Its time comes: nothing is saved, the clock only passes the publish time.
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    headers = {"if-none-match": first["ETag"]}
    response = client.get(reverse("blog:feed"), headers=headers)
    assert response.status_code == 200
    assert feedparser.parse(response.content).entries[0].title == "Now out"
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(reverse("blog:feed"), headers=since).status_code == 200


def test_a_new_approved_comment_changes_the_comment_feed_etag(client):
    """An approved comment is news for the comment feeds; a pending one is not."""
    post = PostFactory()
    url = reverse("blog:post_comments_feed", args=[post.slug])
    etag = client.get(url)["ETag"]
    CommentFactory(target=post, status=Comment.Status.PENDING)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    CommentFactory(target=post)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["blog:category_feed", "blog:category_feed_atom", "blog:tag_feed", "blog:tag_feed_atom"],
)
def test_unknown_category_or_tag_feed_is_a_404(client, name):
    """A feed for a category or tag that does not exist is a 404, never a 500."""
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


def test_a_tag_used_only_on_drafts_has_no_feed(client):
    """As its page, a tag's feed does not reveal a tag only unpublished posts carry."""
    DraftFactory(tags=["secret-project"])
    ScheduledFactory(tags=["secret-project"])
    assert client.get(reverse("blog:tag", args=["secret-project"])).status_code == 404
    assert client.get(reverse("blog:tag_feed", args=["secret-project"])).status_code == 404


@pytest.mark.parametrize(
    "post_factory",
    [
        DraftFactory,
        ScheduledFactory,
        lambda: PostFactory(status=Post.Status.PRIVATE),
    ],
    ids=["draft", "scheduled", "private"],
)
def test_an_unpublished_posts_comment_feed_is_a_404(client, post_factory):
    """The comment feed of a draft, scheduled or private post does not exist for readers."""
    post = post_factory()
    CommentFactory(target=post)
    for name in ("blog:post_comments_feed", "blog:post_comments_feed_atom"):
        assert client.get(reverse(name, args=[post.slug])).status_code == 404
    assert client.get(reverse("blog:post_comments_feed", args=["no-such-post"])).status_code == 404


def test_an_empty_category_has_an_empty_feed(client):
    """A category with no post yet has a valid feed with no items, as its page is empty."""
    CategoryFactory(slug="soon")
    parsed = _read(client, reverse("blog:category_feed", args=["soon"]))
    assert parsed.entries == []


def test_a_feed_refuses_to_be_posted_to(client):
    """Feeds are read-only: anything but GET and HEAD is 405."""
    assert client.post(reverse("blog:feed")).status_code == 405


def test_a_feed_holds_the_newest_items_only(client):
    """The feed stops at its size, newest first."""
    for days in range(FEED_ITEMS + 2):
        PostFactory(
            title=f"{days} days old",
            published_at=timezone.now() - datetime.timedelta(days=days + 1),
        )
    entries = _read(client, reverse("blog:feed")).entries
    assert len(entries) == FEED_ITEMS
    assert entries[0].title == "0 days old"


def _posts_with_everything(count, **kwargs):
    """``count`` posts like ``_full_post``'s; after the first, each shows the poster the
    first stored (re-encoding a new upload and its renditions takes a tenth of a second)."""
    first = _full_post(**kwargs)
    stored_poster = {field: getattr(first, field) for field in POSTER.fields}
    for _ in range(count - 1):
        _full_post(**kwargs, **stored_poster)


@pytest.mark.parametrize("count", [3, 20])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("blog:feed", 6),
        ("blog:feed_atom", 6),
        ("blog:category_feed", 7),
        ("blog:tag_feed_atom", 7),
        ("blog:comments_feed", 5),
        ("blog:post_comments_feed_atom", 4),
    ],
)
def test_feed_query_count_does_not_grow_with_its_items(
    client, django_assert_num_queries, name, queries, count
):
    """3 items or 20, each with poster, video, tags, soundtrack and comment: same queries."""
    category = CategoryFactory(slug="montages")
    _posts_with_everything(count, category=category)
    args = {
        "blog:category_feed": ["montages"],
        "blog:tag_feed_atom": ["boxing"],
        "blog:post_comments_feed_atom": [Post.objects.first().slug],
    }.get(name, [])
    url = reverse(name, args=args)
    client.get(url)  # The site settings and content types are cached from here on.
    with django_assert_num_queries(VERSION_QUERIES + queries):
        response = client.get(url)
    expected = 1 if name == "blog:post_comments_feed_atom" else count
    assert len(feedparser.parse(response.content).entries) == expected


def test_every_page_names_the_site_feeds_in_its_head(client):
    """Feed readers find the RSS and Atom feeds from any page's head."""
    post = PostFactory()
    for url in (reverse("blog:home"), reverse("blog:archive"), post.get_absolute_url()):
        content = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Montage" href="/feed/">'
            in content
        )
        assert 'type="application/atom+xml" title="Montage (Atom)" href="/feed/atom/"' in content


def test_category_and_tag_pages_offer_their_own_feeds(client):
    """A category's and a tag's pages name their feeds in the head and link them visibly."""
    PostFactory(category=CategoryFactory(slug="montages", name="Montages"), tags=["boxing"])
    category = client.get(reverse("blog:category", args=["montages"])).content.decode()
    assert (
        'rel="alternate" type="application/rss+xml" title="Montages · Montage" '
        'href="/category/montages/feed/"' in category
    )
    assert '<a href="/category/montages/feed/">RSS feed</a>' in category
    assert '<a href="/category/montages/feed/atom/">Atom feed</a>' in category
    tag = client.get(reverse("blog:tag", args=["boxing"])).content.decode()
    assert (
        'type="application/atom+xml" title="Tagged “boxing” · Montage (Atom)" '
        'href="/tag/boxing/feed/atom/"' in tag
    )
    assert '<a href="/tag/boxing/feed/">RSS feed</a>' in tag


def test_post_page_names_its_comment_feed(client):
    """A post page's head leads feed readers to its comments."""
    post = PostFactory(slug="rocky")
    content = client.get(post.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml" title="Comments on “' in content
    assert 'href="/posts/rocky/feed/"' in content
    assert 'href="/posts/rocky/feed/atom/"' in content


def test_a_drafts_preview_names_no_comment_feed(client, author):
    """Staff looking at a draft are not offered a feed that readers would get as a 404."""
    post = DraftFactory(slug="half-written")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "/posts/half-written/feed/" not in content


def test_the_footer_links_the_feeds_on_every_page(client):
    """A visible Subscribe line: the site's RSS and Atom feeds, in every page's footer."""
    content = client.get(reverse("blog:home")).content.decode()
    footer = content[content.index('<footer class="site-footer">') :]
    assert '<a href="/feed/">RSS feed</a>' in footer
    assert '<a href="/feed/atom/">Atom feed</a>' in footer
