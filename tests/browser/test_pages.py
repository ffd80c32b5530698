"""A page in a real browser: the author writes an About page with a figure, previews it,
publishes it in the menu; a reader opens it from the menu."""

import pytest
from playwright.sync_api import expect

from blog.models import Page
from tests.blog.images import image_bytes
from tests.browser.images import assert_image_shows
from tests.browser.test_comment_journey import SCREENSHOTS, _log_in_to_admin
from tests.factories import PageFactory

WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def media_site(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return live_server.url


def test_author_writes_previews_and_publishes_a_page_a_reader_opens_from_the_menu(
    media_site, open_page, tmp_path
):
    photo = tmp_path / "desk.jpg"
    photo.write_bytes(image_bytes(size=(1600, 900)))
    admin = open_page(viewport=WIDE)
    _log_in_to_admin(admin, media_site)
    admin.goto(f"{media_site}/admin/")
    admin.get_by_role("link", name="Pages").first.click()
    admin.get_by_role("link", name="Add page").click()

    admin.get_by_label("Title").press_sequentially("About")
    expect(admin.get_by_label("Slug")).to_have_value("about")
    admin.locator("#id_body").fill("Who writes here.\n\n![](image:1)\n\nAnd why.")
    pictures = admin.locator("#pictures-group")
    pictures.get_by_role("button", name="Add another").click()
    admin.locator("#id_pictures-0-image").set_input_files(photo)
    pictures.locator("input[name='pictures-0-alt']").fill("The editing desk at night")
    pictures.locator("input[name='pictures-0-caption']").fill("Where the posts are made")
    expect(admin.get_by_label("Allow comments")).not_to_be_checked()

    with admin.expect_popup() as opened:
        admin.get_by_role("button", name="Preview").click()
    preview = opened.value
    expect(preview.locator("h1")).to_have_text("About")
    expect(preview.locator(".notice")).to_contain_text("New pictures show once you save")
    assert not Page.objects.exists()
    preview.close()

    admin.get_by_label("In the menu").check()
    admin.get_by_label("Menu position").fill("1")
    admin.get_by_label("Status").select_option("published")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    expect(admin.locator("#result_list")).to_contain_text("About")

    reader = open_page(viewport=WIDE)
    reader.goto(media_site + "/")
    nav = reader.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="About").click()
    expect(reader).to_have_url(media_site + "/about/")
    expect(nav.get_by_role("link", name="About")).to_have_attribute("aria-current", "page")
    figure = reader.locator("figure.picture")
    figure.scroll_into_view_if_needed()
    expect(figure.locator("img")).to_have_attribute("alt", "The editing desk at night")
    expect(figure.locator("figcaption")).to_have_text("Where the posts are made")
    assert_image_shows(figure.locator("img"))
    expect(reader.locator("#comments")).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    for scheme in ["light", "dark"]:
        reader.emulate_media(color_scheme=scheme)
        reader.screenshot(path=SCREENSHOTS / f"page-about-{scheme}.png", full_page=True)


def test_dragging_a_page_up_the_list_reorders_the_menu(live_server, transactional_db, page):
    for position, title in enumerate(["About", "Contact", "Now"], start=1):
        PageFactory(title=title, menu_position=position)
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/blog/page/")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    rows.nth(2).locator(".inline-order__handle").drag_to(
        rows.nth(0), target_position={"x": 5, "y": 3}
    )
    expect(rows.nth(0)).to_contain_text("Now")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("successfully")

    page.goto(live_server.url + "/")
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_text(["Home", "Archive", "Now", "About", "Contact"])


def test_typing_two_positions_in_the_list_moves_only_those_pages(
    live_server, transactional_db, page
):
    """The author types new places for Contact and Now; About keeps its own."""
    for title, position in [("About", 1), ("Contact", 5), ("Now", 5)]:
        PageFactory(title=title, menu_position=position)
    PageFactory(title="Draft notes", menu_position=0, in_menu=False)
    _log_in_to_admin(page, live_server.url)
    page.goto(f"{live_server.url}/admin/blog/page/")
    row = page.locator("#result_list tbody tr")
    row.filter(has_text="Now").locator('input[name$="-menu_position"]').fill("2")
    row.filter(has_text="Contact").locator('input[name$="-menu_position"]').fill("3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("successfully")

    assert dict(Page.objects.values_list("title", "menu_position")) == {
        "About": 1,
        "Now": 2,
        "Contact": 3,
        "Draft notes": 0,
    }
