import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from blog.models import Credit, Post
from blog.post_page import PostPageParts, menu_pages
from comments.conf import discussion_settings
from comments.models import Comment
from freshness import version
from site_settings.conf import site_settings
from tests.blog.test_pages import SITE_QUERIES, VERSION_QUERIES
from tests.comments.helpers import comment_data
from tests.factories import (
    AlbumFactory,
    CategoryFactory,
    CreditFactory,
    DraftFactory,
    PostFactory,
    PostTrackFactory,
    ScheduledFactory,
    StaffFactory,
    TrackFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db

LOCAL_URL = re.compile(r"^(/|data:)")


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_home_lists_published_posts_newest_first(client):
    """The home page shows published posts, the newest on top."""
    PostFactory(title="Older post", published_at=_days_ago(5))
    PostFactory(title="Newer post", published_at=_days_ago(1))
    content = client.get(reverse("blog:home")).content.decode()
    assert content.index("Newer post") < content.index("Older post")


def test_a_post_kept_at_the_top_comes_before_newer_ones_on_the_home_page_only(client):
    PostFactory(title="Pinned welcome", published_at=_days_ago(30), sticky=True)
    PostFactory(title="Newer post", published_at=_days_ago(1))
    home = client.get(reverse("blog:home")).content.decode()
    assert home.index("Pinned welcome") < home.index("Newer post")
    archive = client.get(reverse("blog:archive")).content.decode()
    assert archive.index("Newer post") < archive.index("Pinned welcome")


def test_home_hides_drafts_and_scheduled_posts(client):
    """Neither a draft nor a post scheduled for later shows on the home page."""
    PostFactory(title="Out now")
    DraftFactory(title="Half-written")
    ScheduledFactory(title="Coming soon")
    content = client.get(reverse("blog:home")).content.decode()
    assert "Out now" in content
    assert "Half-written" not in content
    assert "Coming soon" not in content


def test_home_item_shows_category_date_lead_track_count_and_read_more(client):
    """Each home item carries what a reader scans: category, date, lead, tracks, a link."""
    post = PostFactory(title="Montage", lead="The lead sentence.")
    PostTrackFactory.create_batch(2, post=post)
    content = client.get(reverse("blog:home")).content.decode()
    assert post.category.name in content
    assert "The lead sentence." in content
    assert "2 tracks" in content
    assert f'class="read-more" href="{post.get_absolute_url()}"' in content
    assert post.published_at.strftime("%Y-%m-%d") in content


def test_home_paginates_and_numbers_its_pages(client, settings):
    """Past a page's worth of posts the rest move to page 2, linked from page 1."""
    for days in range(7):
        PostFactory(title=f"Post {days} days old", published_at=_days_ago(days + 1))
    first = client.get(reverse("blog:home")).content.decode()
    second = client.get(reverse("blog:home"), {"page": 2}).content.decode()
    assert first.count('class="card"') == 5
    assert second.count('class="card"') == 2
    assert 'href="?page=2"' in first
    assert "Post 6 days old" in second


def test_home_page_past_the_end_is_not_found(client):
    """Asking for a page that does not exist gives the friendly 404, not an error."""
    PostFactory()
    response = client.get(reverse("blog:home"), {"page": 40})
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_empty_site_says_nothing_is_published(client):
    """A fresh site's home page says so instead of showing an empty page."""
    assert b"Nothing published yet" in client.get(reverse("blog:home")).content


def test_post_page_shows_title_author_category_tags_lead_and_body(client):
    """The post page carries its title, byline, category, tags, lead and rendered body."""
    post = PostFactory(
        title="Rocky training in Russia",
        lead="Frozen landscapes.",
        body="Wyoming **doubled** for Russia.",
        tags=["Rocky", "1980s"],
    )
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<h1>Rocky training in Russia</h1>" in content
    assert post.author.get_full_name() in content
    assert post.category.name in content
    assert 'rel="tag">Rocky</a>' in content
    assert "Frozen landscapes." in content
    assert "Wyoming <strong>doubled</strong> for Russia." in content


def test_unknown_post_is_not_found(client):
    """An address that names no post gives the friendly 404 page."""
    response = client.get(reverse("blog:post", kwargs={"slug": "no-such-post"}))
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory], ids=["draft", "scheduled"])
def test_unpublished_post_is_not_found_for_readers(client, factory):
    """A draft or a scheduled post is a 404 for anonymous readers."""
    post = factory()
    assert client.get(post.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory], ids=["draft", "scheduled"])
def test_unpublished_post_is_not_found_for_logged_in_non_staff(client, factory):
    """Being logged in is not enough: only staff may preview unpublished posts."""
    client.force_login(UserFactory())
    assert client.get(factory().get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory], ids=["draft", "scheduled"])
def test_staff_see_unpublished_post_marked_and_never_cached(client, factory):
    """Staff can preview an unpublished post; the page says so and is never cached."""
    post = factory(title="Work in progress")
    client.force_login(StaffFactory())
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert b"Work in progress" in response.content
    assert b"only staff can see this page" in response.content
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    # Nor kept with the post's parts for the next reader (blog.post_page).
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_scheduled_post_appears_once_its_time_comes(client):
    """A scheduled post becomes visible when its publish time passes, with no other change."""
    post = ScheduledFactory(published_at=timezone.now() + datetime.timedelta(seconds=30))
    assert client.get(post.get_absolute_url()).status_code == 404
    post.published_at = timezone.now() - datetime.timedelta(seconds=1)
    post.save(update_fields=["published_at"])
    assert client.get(post.get_absolute_url()).status_code == 200


def test_video_is_a_facade_with_no_third_party_resource(client):
    """Before play the page loads nothing from another host: poster, CSS and JS are local."""
    video = VideoFactory(url="https://youtu.be/dQw4w9WgXcQ?t=42")
    content = client.get(video.post.get_absolute_url()).content.decode()
    sources = re.findall(
        r'<(?:img|script|iframe|source|link)\b[^>]*?(?:src|href)="([^"]+)"', content
    )
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', content)
    loaded = [url for url in sources if url not in canonical]
    assert loaded, "expected the page to load its own stylesheet and poster"
    assert all(LOCAL_URL.match(url) for url in loaded), loaded
    assert "<iframe" not in content


def test_play_link_opens_the_video_without_javascript(client):
    """The play control is a link to the video's own page, starting where the author said."""
    video = VideoFactory(url="https://youtu.be/dQw4w9WgXcQ?t=42", title="The clip")
    content = client.get(video.post.get_absolute_url()).content.decode()
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=42s"' in content
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?" in content
    assert 'aria-label="Play video · 3:52: The clip"' in content
    assert "Plays from YouTube (youtube-nocookie.com)" in content


def test_vimeo_video_plays_with_do_not_track(client):
    """A Vimeo video's player URL asks Vimeo not to track the reader."""
    video = VideoFactory(url="https://vimeo.com/76979871")
    content = client.get(video.post.get_absolute_url()).content.decode()
    assert "https://player.vimeo.com/video/76979871?autoplay=1&amp;dnt=1" in content


def test_soundtrack_lists_chapters_with_credits_and_album_facts(client):
    """Tracks in the clip are chapters with a time, credits and chart peak; the album has facts."""
    video = VideoFactory(url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    album = AlbumFactory(title="Rocky IV OST", chart_position=10, chart_name="Billboard 200")
    track = TrackFactory(
        title="Burning Heart", album=album, chart_position=2, chart_name="Billboard Hot 100"
    )
    CreditFactory(track=track, artist__name="Survivor", role=Credit.Role.PERFORMER)
    CreditFactory(track=track, artist__name="Jim Peterik", role=Credit.Role.WRITER, position=1)
    CreditFactory(
        track=track, artist__name="Frankie Sullivan", role=Credit.Role.WRITER, position=2
    )
    PostTrackFactory(post=video.post, track=track, starts_at=95)
    content = client.get(video.post.get_absolute_url()).content.decode()
    assert "Burning Heart" in content
    assert "— Survivor" in content
    assert "Written by Jim Peterik and Frankie Sullivan" in content
    assert "No. 2 on the Billboard Hot 100" in content
    assert '<time datetime="PT1M35S">1:35</time>' in content
    assert 'aria-label="Play from 1:35: Burning Heart"' in content
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=95s"' in content
    assert "start=95" in content
    assert "Scotti Bros. Records" in content
    assert "27 November 1985" in content
    assert "Platinum (RIAA)" in content
    assert "No. 10 on the Billboard 200" in content


def test_tracks_without_a_time_are_listed_under_their_album(client):
    """A track that is not in the clip is listed apart, under its album, with no play control."""
    video = VideoFactory()
    album = AlbumFactory(title="Rocky IV OST")
    PostTrackFactory(post=video.post, track__title="In the clip", track__album=album, starts_at=0)
    PostTrackFactory(
        post=video.post, track__title="Only on the record", track__album=album, starts_at=None
    )
    content = client.get(video.post.get_absolute_url()).content.decode()
    also = content.index("<h3>Also on <cite>Rocky IV OST</cite></h3>")
    assert content.index("In the clip") < also < content.index("Only on the record")
    assert content.count("data-seek=") == 1


def test_untimed_tracks_from_two_albums_are_each_under_their_own_album(client):
    """A track from another album is never shown as on the first album."""
    video = VideoFactory()
    soundtrack = AlbumFactory(title="Rocky IV: Original Motion Picture Soundtrack")
    score = AlbumFactory(title="Rocky: Original Motion Picture Score")
    PostTrackFactory(
        post=video.post, track__title="Hearts on Fire", track__album=soundtrack, starts_at=0
    )
    PostTrackFactory(post=video.post, track__title="Burning Heart", track__album=soundtrack)
    PostTrackFactory(post=video.post, track__title="Going the Distance", track__album=score)
    PostTrackFactory(post=video.post, track__title="No Easy Way Out", track__album=soundtrack)
    PostTrackFactory(post=video.post, track__title="Demo tape", track__album=None)
    content = client.get(video.post.get_absolute_url()).content.decode()
    on_soundtrack = content.index(
        "Also on <cite>Rocky IV: Original Motion Picture Soundtrack</cite>"
    )
    on_score = content.index("Also on <cite>Rocky: Original Motion Picture Score</cite>")
    other = content.index("<h3>Other tracks</h3>")
    assert on_soundtrack < content.index("Burning Heart") < content.index("No Easy Way Out")
    assert content.index("No Easy Way Out") < on_score < content.index("Going the Distance")
    assert content.index("Going the Distance") < other < content.index("Demo tape")


def test_untimed_tracks_of_one_album_without_chapters_are_headed_by_the_album(client):
    """With no chapters, the album's tracks still say which album they are on."""
    post = PostFactory()
    PostTrackFactory(post=post, track__title="Burning Heart", track__album__title="Rocky IV OST")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<h3>On <cite>Rocky IV OST</cite></h3>" in content
    assert "Also on" not in content


def test_related_posts_share_tags_and_exclude_unpublished(client):
    """“More info and movies” lists published posts on the same subject, never drafts."""
    post = PostFactory(tags=["rocky"])
    PostFactory(title="Another Rocky post", tags=["rocky"], category=CategoryFactory())
    DraftFactory(title="Unfinished Rocky post", tags=["rocky"])
    content = client.get(post.get_absolute_url()).content.decode()
    assert "Another Rocky post" in content
    assert "Unfinished Rocky post" not in content


def test_previous_and_next_posts_carry_their_titles(client):
    """The post page links its older and newer neighbours by title, skipping drafts."""
    older = PostFactory(title="The older one", published_at=_days_ago(9))
    post = PostFactory(published_at=_days_ago(5))
    DraftFactory(title="A draft between", published_at=_days_ago(3))
    newer = PostFactory(title="The newer one", published_at=_days_ago(1))
    content = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{older.get_absolute_url()}" rel="prev"' in content
    assert f'href="{newer.get_absolute_url()}" rel="next"' in content
    assert "A draft between" not in content


def _post_with_soundtrack(tracks, videos):
    post = PostFactory(tags=["rocky", "1980s"])
    made = [VideoFactory(post=post) for _ in range(videos)]
    for index in range(tracks):
        entry = PostTrackFactory(post=post, starts_at=index * 30, video=made[index % videos])
        CreditFactory(track=entry.track, role=Credit.Role.PERFORMER)
        CreditFactory(track=entry.track, role=Credit.Role.WRITER)
    post.details.create(label="Filmed in", value="Wyoming")
    post.links.create(title="Rocky IV", url="https://en.wikipedia.org/wiki/Rocky_IV")
    return post


# DESIGN.md budget: 10, with the post's cached parts cold: the content version, the post
# (with its neighbours and comment count), its videos, soundtrack, credits, details,
# tags, links, the related posts, the thread. The menu of pages is site-wide, cached
# under the version like the settings, and costs one more just after a change.
POST_PAGE_QUERIES = VERSION_QUERIES + 9


@pytest.mark.parametrize(("tracks", "videos"), [(1, 1), (12, 3)])
def test_post_page_query_count_does_not_grow_with_tracks_and_videos(
    client, django_assert_num_queries, tracks, videos
):
    """One track or twelve, one video or three: the post page costs the same queries."""
    post = _post_with_soundtrack(tracks, videos)
    ContentType.objects.get_for_model(post)  # looked up once per process, then cached
    discussion_settings()  # site-wide, read once and then cached (test_discussion_settings)
    site_settings()  # the same (tests/site_settings)
    menu_pages()  # the same (tests/blog/test_pages.py)
    with django_assert_num_queries(POST_PAGE_QUERIES):
        response = client.get(post.get_absolute_url())
    assert response.content.count(b'class="track"') == tracks


POST_PAGE_QUERIES_CACHED = VERSION_QUERIES  # the post is cached with its parts


@pytest.mark.usefixtures("without_page_cache")
def test_repeat_views_of_a_post_reuse_its_rendered_article(client, django_assert_num_queries):
    """A second view skips the soundtrack and thread queries: both are cached."""
    post = _post_with_soundtrack(6, 1)
    first = client.get(post.get_absolute_url()).content
    with django_assert_num_queries(POST_PAGE_QUERIES_CACHED):
        second = client.get(post.get_absolute_url()).content
    assert re.sub(rb'value="[^"]+"', b"", first) == re.sub(rb'value="[^"]+"', b"", second)


def test_editing_what_a_post_shows_refreshes_its_page_at_once(client):
    """A change to a track, album, credit, video, tag or link shows on the next view."""
    post = _post_with_soundtrack(1, 1)
    track = post.soundtrack.get().track
    client.get(post.get_absolute_url())
    CreditFactory(track=track, artist__name="Vince DiCola", role=Credit.Role.WRITER)
    assert "Vince DiCola" in client.get(post.get_absolute_url()).content.decode()
    track.album.label = "Scotti Brothers"
    track.album.save()
    assert "Scotti Brothers" in client.get(post.get_absolute_url()).content.decode()
    post.videos.update(title="unchanged by update()")
    video = post.videos.get()
    video.title = "Renamed clip"
    video.save()
    assert "Renamed clip" in client.get(post.get_absolute_url()).content.decode()
    post.tags.add("Dolph Lundgren")
    assert 'rel="tag">Dolph Lundgren</a>' in client.get(post.get_absolute_url()).content.decode()
    post.links.create(title="Drago's page", url="https://example.com/drago")
    assert "Drago&#x27;s page" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("posts", [1, 5])
def test_home_query_count_does_not_grow_with_posts(client, django_assert_num_queries, posts):
    """The home page's queries stay the same however many posts it lists."""
    for _ in range(posts):
        PostTrackFactory(post=PostFactory())
    site_settings()  # site-wide, read once and then cached (tests/site_settings)
    with django_assert_num_queries(2 + SITE_QUERIES):
        client.get(reverse("blog:home"))


def test_category_page_lists_only_its_posts(client):
    """A category page lists that category's published posts and no others."""
    mine = PostFactory(title="In the category")
    PostFactory(title="Elsewhere")
    content = client.get(mine.category.get_absolute_url()).content.decode()
    assert "In the category" in content
    assert "Elsewhere" not in content
    assert f"<h1>{mine.category.name}</h1>" in content


def test_unknown_category_and_tag_are_not_found(client):
    """Archive pages for a category or tag that does not exist are 404s."""
    assert client.get(reverse("blog:category", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("blog:tag", kwargs={"slug": "nope"})).status_code == 404


def test_tag_page_lists_tagged_posts(client):
    """A tag page lists the published posts carrying that tag."""
    PostFactory(title="Tagged one", tags=["Training"])
    PostFactory(title="Untagged one")
    DraftFactory(title="Tagged draft", tags=["Training"])
    content = client.get(reverse("blog:tag", kwargs={"slug": "training"})).content.decode()
    assert "Tagged one" in content
    assert "Untagged one" not in content
    assert "Tagged draft" not in content


def test_year_and_month_archives_name_their_scope(client):
    """Year and month archives show that period's posts under a heading naming it."""
    PostFactory(
        title="November post",
        published_at=datetime.datetime(1985, 11, 27, 12, tzinfo=datetime.UTC),
    )
    PostFactory(
        title="December post", published_at=datetime.datetime(1985, 12, 3, 12, tzinfo=datetime.UTC)
    )
    year = client.get(reverse("blog:archive_year", kwargs={"year": 1985})).content.decode()
    month = client.get(
        reverse("blog:archive_month", kwargs={"year": 1985, "month": 11})
    ).content.decode()
    assert "November post" in year and "December post" in year
    assert "<h1>November 1985</h1>" in month
    assert "December post" not in month


def test_empty_month_archive_is_not_found(client):
    """A month with no published posts is a 404, not an empty page."""
    DraftFactory(published_at=datetime.datetime(1985, 11, 27, 12, tzinfo=datetime.UTC))
    response = client.get(reverse("blog:archive_month", kwargs={"year": 1985, "month": 11}))
    assert response.status_code == 404


def test_archive_index_links_months_with_posts(client):
    """The archive lists every published post and links each month that has one."""
    PostFactory(
        title="An archived post",
        published_at=datetime.datetime(1985, 11, 27, 12, tzinfo=datetime.UTC),
    )
    content = client.get(reverse("blog:archive")).content.decode()
    assert "An archived post" in content
    assert reverse("blog:archive_month", kwargs={"year": 1985, "month": 11}) in content


def test_search_finds_published_posts_by_any_field(client):
    """Search matches words in a title, lead or body, and never returns drafts."""
    PostFactory(title="Snow and logs", body="Rocky chops wood in Wyoming.")
    DraftFactory(title="Secret Wyoming draft")
    response = client.get(reverse("blog:search"), {"q": "wyoming"})
    content = response.content.decode()
    assert "Snow and logs" in content
    assert "Secret Wyoming draft" not in content
    assert "1 result for “wyoming”" in content


def test_search_without_matches_offers_the_archive(client):
    """A search that finds nothing says so and links the archive."""
    PostFactory()
    content = client.get(reverse("blog:search"), {"q": "zzzz"}).content.decode()
    assert "0 results for “zzzz”" in content
    assert reverse("blog:archive") in content


def test_body_markdown_is_sanitized(client):
    """Script and event handlers in the body never reach the reader's page."""
    post = PostFactory(
        body='Hi <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">x</a>'
    )
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert" not in content
    assert "javascript:" not in content
    assert "onclick" not in content


def test_deleting_an_album_refreshes_the_posts_that_showed_it(client):
    """An album deleted in the admin disappears from cached post pages at once."""
    post = _post_with_soundtrack(1, 1)
    album = post.soundtrack.get().track.album
    assert album.label in client.get(post.get_absolute_url()).content.decode()
    album.delete()
    assert album.label not in client.get(post.get_absolute_url()).content.decode()


def test_post_pages_notice_a_deletion_followed_by_a_scheduled_post_falling_due(client):
    """Deleting a post and a scheduled post coming due never brings back old neighbours."""
    PostFactory(published_at=_days_ago(3))
    doomed = PostFactory(published_at=_days_ago(2))
    scheduled = ScheduledFactory()
    before = version.current()
    doomed.delete()
    Post.objects.filter(pk=scheduled.pk).update(published_at=_days_ago(1))
    assert version.current() != before


def test_tag_used_only_on_drafts_is_not_found(client):
    """A tag page does not reveal a tag that no published post carries yet."""
    DraftFactory(tags=["secret-project"])
    assert client.get(reverse("blog:tag", kwargs={"slug": "secret-project"})).status_code == 404


def test_search_with_a_nul_character_answers_normally(client):
    """A NUL in the query is dropped rather than reaching the database."""
    PostFactory(title="Wyoming")
    response = client.get(reverse("blog:search"), {"q": "Wyo\x00ming"})
    assert response.status_code == 200


def test_search_result_pages_keep_the_query(client):
    """Page links under search results search the same words."""
    for index in range(7):
        PostFactory(title=f"Montage number {index}")
    content = client.get(reverse("blog:search"), {"q": "montage"}).content.decode()
    assert 'href="?q=montage&amp;page=2"' in content


def test_the_post_page_only_renders_and_takes_no_comment_post(client):
    """Comments go to the comments app's endpoint: a POST to the post page is refused."""
    post = PostFactory()
    response = client.post(post.get_absolute_url(), comment_data(post))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert not Comment.objects.exists()


def test_parts_cached_by_an_earlier_release_are_not_served(client):
    """After a deploy that changes the article's markup, no page shows the old markup."""
    post = PostFactory(body="Current words.")
    stale = PostPageParts(article_html="<p>Markup of an earlier release</p>", related=[],
                          previous=None, next=None)  # fmt: skip
    cache.set(f"blog:post-parts:{post.slug}:{version.current()}", stale)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Current words." in page
    assert "Markup of an earlier release" not in page


def test_search_with_quotes_finds_the_words_inside_them(client):
    """Quoting a phrase, as readers do on every search engine, still finds the post."""
    PostFactory(title="Eye of the Tiger, the song")
    PostFactory(title="Another story")
    for query in ['"eye of"', "'tiger'", "“eye”"]:
        page = client.get(reverse("blog:search"), {"q": query}).content.decode()
        assert "Eye of the Tiger, the song" in page, query
        assert "Another story" not in page


def test_a_tag_with_accents_links_from_its_post_to_its_own_page(client):
    """A tag named “Café Müller” shows on its post, and its page lists the post."""
    post = PostFactory(title="Dancing in the café", tags=["Café Müller"])
    page = client.get(post.get_absolute_url()).content.decode()
    tag_url = reverse("blog:tag", kwargs={"slug": "café-müller"})
    assert f'href="{tag_url}"' in page
    assert "Dancing in the café" in client.get(tag_url).content.decode()
    assert client.get(reverse("blog:tag_feed", kwargs={"slug": "café-müller"})).status_code == 200
    assert tag_url in client.get(reverse("blog:sitemap")).content.decode()
