"""The author's day in the admin, in a real browser: write, preview, schedule, publish,
moderate and answer a comment, then look back through the post's history.

Screenshots of the admin pages along the way are saved to tests/browser/screenshots/
(gitignored) as author-*.png for a person to look at.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post, PostTrack, Track, Video
from comments.models import Comment
from tests.browser.test_comment_journey import (
    SCREENSHOTS,
    _fill_comment,
    _log_in_to_admin,
    _post_comment,
)
from tests.factories import ArtistFactory, CategoryFactory, CreditFactory, TrackFactory

TITLE = "Hearts on Fire: the Rocky IV training montage"
SLUG = "hearts-on-fire-the-rocky-iv-training-montage"
LEAD = "Two men train for one fight, and one song carries both of them through the snow."
BODY = (
    "Rocky lifts logs in a barn while Drago runs on a treadmill in a lab.\n\n"
    "The cut is **fast**: every beat of the drums is a new shot."
)
SECOND_BODY = (
    "Rocky lifts logs in a barn while Drago runs on a treadmill in a laboratory.\n\n"
    "The cut is **fast**: every beat of the drums is a new shot."
)
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIDEO_TITLE = "Rocky IV training montage"
FIRST_TRACK, SECOND_TRACK = "Hearts on Fire", "Burning Heart"
COMMENT = "The sled scene still gives me goosebumps."
REPLY = "Mine too: the sled was shot in Wyoming, not in Russia."
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def author_site(transactional_db, live_server, settings, tmp_path, mailoutbox):
    """An empty site with a category and tracks to choose, comments open to post at once."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.MONTAGE_MODERATION_EMAIL = "mod@example.com"  # the Site settings' start
    CategoryFactory(name="Training montages", slug="training-montages")
    performer = ArtistFactory(name="John Cafferty")
    for title in (FIRST_TRACK, SECOND_TRACK, "Training Montage"):
        CreditFactory(track=TrackFactory(title=title), artist=performer)
    return live_server.url


def _shot(page, name):
    # The admin's deferred scripts open the side bar and its styles load the icons; from
    # the top, the sticky side bar sits where a person sees it.
    page.wait_for_load_state("load")
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"author-{name}.png", full_page=True)


def _choose(page, select_id, search, option):
    """Pick ``option`` in a select2 autocomplete by typing ``search`` into its search box."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=re.compile(f"^{option}$")).click()
    expect(page.locator(f"#{select_id} + .select2 .select2-selection__rendered")).to_have_text(
        re.compile(option)
    )


def _write_post(admin, base_url):
    admin.goto(base_url + "/admin/blog/post/add/")
    # Typed key by key, as the slug follows the title on each key.
    admin.locator("#id_title").press_sequentially(TITLE)
    expect(admin.locator("#id_slug")).to_have_value(SLUG)
    admin.locator("#id_lead").fill(LEAD)
    admin.locator("#id_body").fill(BODY)
    _choose(admin, "id_category", "Training", "Training montages")
    admin.locator("#id_tags").fill("rocky, 1980s")

    admin.get_by_role("button", name="Add another Video").click()
    admin.locator("#id_videos-0-url").fill(VIDEO_URL)
    admin.locator("#id_videos-0-title").fill(VIDEO_TITLE)
    admin.locator("#id_videos-0-duration_seconds").fill("232")

    add_track = admin.get_by_role("button", name="Add another Soundtrack entry")
    add_track.click()
    _choose(admin, "id_soundtrack-0-track", "hearts", FIRST_TRACK)
    admin.locator("#id_soundtrack-0-starts_at").fill("1:35")
    add_track.click()
    _choose(admin, "id_soundtrack-1-track", "burning", SECOND_TRACK)


def _preview(admin):
    with admin.expect_popup() as popup:
        admin.get_by_role("button", name="Preview").click()
    preview = popup.value
    preview.wait_for_load_state("load")
    expect(preview).to_have_title(re.compile(r"^Preview: " + re.escape(TITLE)))
    expect(preview.locator("h1")).to_have_text(TITLE)
    notice = preview.get_by_role("note")
    expect(notice).to_contain_text("Preview: nothing is saved yet.")
    expect(notice).to_contain_text("once it is published")
    soundtrack = preview.locator("section.soundtrack")
    expect(soundtrack.locator(".track__title", has_text=FIRST_TRACK)).to_be_visible()
    expect(soundtrack.locator(".track__title", has_text=SECOND_TRACK)).to_be_visible()
    expect(soundtrack.get_by_role("link", name=f"Play from 1:35: {FIRST_TRACK}")).to_be_visible()
    expect(preview.get_by_role("button", name=f"Play video · 3:52: {VIDEO_TITLE}")).to_be_visible()
    expect(preview.locator(".prose strong")).to_have_text("fast")
    _shot(preview, "preview")
    return preview


def _row(admin):
    return admin.locator("#result_list tbody tr", has_text=TITLE)


def _reader_page(open_page, url):
    reader = open_page(viewport=WIDE)
    return reader, reader.goto(url)


def test_author_writes_previews_schedules_publishes_and_answers_a_reader(
    author_site, open_page, mailoutbox
):
    """From an empty form to a live post with a reader's comment answered, all in the admin."""
    admin = open_page(viewport=WIDE)
    _log_in_to_admin(admin, author_site)
    get_user_model().objects.filter(username="moderator").update(
        first_name="Adrian", last_name="Pennino"
    )

    # Write the post; Preview shows it in a new tab and keeps the form as it was.
    _write_post(admin, author_site)
    _shot(admin, "post-add-form")
    preview = _preview(admin)
    assert not Post.objects.exists()
    assert not Video.objects.exists() and not PostTrack.objects.exists()
    preview.close()
    expect(admin.locator("#id_title")).to_have_value(TITLE)
    expect(admin.locator("#id_soundtrack-1-track")).to_have_value(
        str(Track.objects.get(title=SECOND_TRACK).pk)
    )

    # Schedule it for next week: listed as Scheduled, and readers get a 404.
    admin.locator("#id_status").select_option(label="Published")
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    admin.locator("#id_published_at_0").fill(next_week.isoformat())
    admin.locator("#id_published_at_1").fill("10:00:00")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    expect(_row(admin).locator("td.field-state")).to_have_text("Scheduled")
    # Rows added in order are numbered in that order when the form is sent.
    saved = Post.objects.get(slug=SLUG).soundtrack.values_list("position", "track__title")
    assert list(saved) == [(1, FIRST_TRACK), (2, SECOND_TRACK)]
    _shot(admin, "post-list-scheduled")
    post = Post.objects.get()
    assert post.slug == SLUG and post.is_scheduled
    assert post.soundtrack.get(track__title=FIRST_TRACK).starts_at == 95
    post_url = author_site + post.get_absolute_url()
    reader, response = _reader_page(open_page, post_url)
    assert response.status == 404

    # Publish it now with the Today and Now shortcuts: Live, and readers see all of it.
    _row(admin).get_by_role("link", name=TITLE).click()
    published = admin.locator(".form-row.field-published_at")
    published.get_by_role("link", name="Today").click()
    published.get_by_role("link", name="Now").click()
    expect(admin.locator("#id_published_at_0")).to_have_value(timezone.localdate().isoformat())
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(_row(admin).locator("td.field-state")).to_have_text("Live")
    _shot(admin, "post-list-live")

    _row(admin).get_by_role("link", name=TITLE).click()
    admin.get_by_role("link", name="View on site").click()
    expect(admin).to_have_url(post_url)
    response = reader.goto(post_url)
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.get_by_role("note")).to_have_count(0)
    expect(reader.locator(".track__title", has_text=FIRST_TRACK)).to_be_visible()
    expect(reader.locator(".track__title", has_text=SECOND_TRACK)).to_be_visible()
    expect(reader.get_by_role("button", name=f"Play video · 3:52: {VIDEO_TITLE}")).to_be_visible()

    # A reader comments; the author is emailed, approves from the mail's link and answers.
    _fill_comment(reader, text=COMMENT, name="Paulie Pennino", email="paulie@example.com")
    comment_id = _post_comment(reader)
    expect(reader.locator(f"#comment-{comment_id} .comment__body--pending")).to_be_visible()
    (mail,) = mailoutbox
    assert mail.to == ["mod@example.com"]
    assert "Please moderate" in mail.subject and TITLE in mail.subject
    approve_url = re.search(r"^Approve it: (\S+)$", mail.body, re.MULTILINE)[1]

    admin.goto(author_site + "/admin/")
    notice = admin.get_by_role("link", name="1 comment awaiting moderation")
    expect(notice).to_be_visible()
    notice.click()
    expect(admin.locator("h1")).to_have_text("Comments: 1 awaiting moderation")
    queued = admin.locator("#result_list tbody tr")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text(COMMENT)
    on_post = queued.get_by_role("link", name=TITLE)
    expect(on_post).to_have_attribute("href", post.get_absolute_url())

    admin.goto(approve_url)
    expect(admin.locator("#content")).to_contain_text("Paulie Pennino (paulie@example.com)")
    expect(admin.locator("blockquote")).to_have_text(COMMENT)
    _shot(admin, "comment-moderate")
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator(".messagelist")).to_contain_text("The comment was approved.")
    expect(admin.locator("h1")).to_have_text("Comments: 0 awaiting moderation")
    assert Comment.objects.get(pk=comment_id).status == Comment.Status.APPROVED

    admin.locator("#changelist-filter").get_by_role("link", name="Approved").click()
    admin.get_by_role("link", name=COMMENT).click()
    admin.get_by_role("textbox", name="Your reply").fill(REPLY)
    _shot(admin, "comment-reply")
    admin.get_by_role("button", name="Publish reply").click()
    expect(admin.locator(".messagelist")).to_contain_text("Your reply is published")

    reader.reload()
    comment = reader.locator(f"#comment-{comment_id}")
    expect(comment.locator(":scope > article")).to_contain_text(COMMENT)
    expect(comment.locator(".comment__body--pending")).to_have_count(0)
    answer = comment.locator("ol.comment-list--replies > li.comment")
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text(REPLY)
    expect(answer.locator(".comment__author")).to_have_text("Adrian Pennino")
    expect(answer.locator(".badge")).to_have_text("Author")
    expect(reader.locator("#comments-heading")).to_have_text("2 comments")

    # A second edit of the body; the history lists three saves, and says what changed.
    admin.goto(author_site + f"/admin/blog/post/{post.pk}/change/")
    admin.locator("#id_body").fill(SECOND_BODY)
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    admin.get_by_role("link", name="History").click()
    expect(admin).to_have_url(author_site + f"/admin/blog/post/{post.pk}/history/")
    saves = admin.locator("#change-history tbody tr")
    expect(saves).to_have_count(3)
    expect(saves.first.locator("td").first).to_have_text("Adrian Pennino")
    _shot(admin, "post-history")
    latest = saves.first.locator("td").nth(1).get_by_role("link")
    expect(latest).to_contain_text("Body")
    latest.click()
    expect(admin).to_have_url(re.compile(rf"/admin/blog/post/{post.pk}/history/\d+/changes/$"))
    expect(admin.locator("h1")).to_have_text("What changed in this version")
    expect(admin.locator(".version-diff del")).to_contain_text(["lab"])
    expect(admin.locator(".version-diff ins")).to_contain_text(["laboratory"])
    _shot(admin, "post-what-changed")

    # The discussion settings: the list opens the one settings form.
    admin.goto(author_site + "/admin/comments/discussionsettings/")
    expect(admin).to_have_url(re.compile(r"/admin/comments/discussionsettings/\d+/change/$"))
    expect(admin.locator("h1")).to_have_text("Discussion settings")
    _shot(admin, "discussion-settings")
