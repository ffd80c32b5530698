"""Reordering a post's soundtrack in the admin by dragging rows."""

from playwright.sync_api import expect

from blog.models import PostTrack
from tests.browser.test_comment_journey import _log_in_to_admin
from tests.factories import PostFactory, PostTrackFactory, TrackFactory


def test_dragging_a_track_up_saves_the_new_order(live_server, transactional_db, page):
    post = PostFactory()
    for position, title in enumerate(["Training Montage", "Hearts on Fire", "Burning Heart"]):
        PostTrackFactory(post=post, track=TrackFactory(title=title), position=position)
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")

    rows = page.locator("#soundtrack-group tbody tr.form-row.has_original")
    expect(rows).to_have_count(3)
    rows.nth(2).locator(".inline-order__handle").drag_to(
        rows.nth(0), target_position={"x": 5, "y": 3}
    )
    expect(rows.nth(0)).to_contain_text("Burning Heart")
    expect(page.locator("#id_soundtrack-2-position")).to_have_value("1")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = PostTrack.objects.filter(post=post).order_by("position")
    assert [entry.track.title for entry in saved] == [
        "Burning Heart",
        "Training Montage",
        "Hearts on Fire",
    ]


def test_a_row_added_with_add_another_goes_to_the_end(live_server, transactional_db, page):
    post = PostFactory()
    PostTrackFactory(post=post, position=4)
    TrackFactory(title="No Easy Way Out")
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    soundtrack = page.locator("#soundtrack-group")
    soundtrack.get_by_role("button", name="Add another").click()
    soundtrack.get_by_role("button", name="Add another").click()  # this one is left empty
    page.locator("#id_soundtrack-1-track + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("No Easy")
    page.locator(".select2-results__option", has_text="No Easy Way Out").click()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = PostTrack.objects.filter(post=post).order_by("position")
    assert [(entry.position, entry.track.title) for entry in saved][-1] == (5, "No Easy Way Out")
    assert saved.count() == 2
