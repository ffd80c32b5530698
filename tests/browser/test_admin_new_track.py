"""A track not in the library yet is created from the post form, without leaving it."""

from playwright.sync_api import expect

from blog.models import Album, PostTrack, Track
from tests.browser.test_comment_journey import _log_in_to_admin
from tests.factories import AlbumFactory, PostFactory


def test_a_new_track_and_album_are_added_from_the_soundtrack_row(
    live_server, transactional_db, page
):
    post = PostFactory()
    AlbumFactory(title="Rocky IV: Original Motion Picture Soundtrack")
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    page.locator("#soundtrack-group").get_by_role("button", name="Add another").click()

    with page.expect_popup() as opened:
        page.locator("#add_id_soundtrack-0-track").click()
    popup = opened.value
    # The popup opens on the title, with the cursor in it: typing names the track.
    expect(popup.locator("#id_title")).to_be_focused()
    popup.keyboard.type("War")
    # The album is chosen by typing part of its name (autocomplete).
    popup.locator("#id_album").locator("xpath=..").locator(".select2-selection").click()
    popup.locator(".select2-search__field").fill("Rocky IV")
    popup.locator(".select2-results__option", has_text="Original Motion Picture").click()
    # Listening before the click: a popup that closes before the wait begins is no hang.
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#select2-id_soundtrack-0-track-container")).to_have_text("War")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    entry = PostTrack.objects.get(post=post)
    assert entry.track == Track.objects.get(title="War")
    assert entry.track.album == Album.objects.get()
