"""Pictures in the body, in a real browser: the author uploads one and puts it in the
body; readers see it with its caption, and no image from another site ever loads."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests.blog.images import image_bytes
from tests.browser.images import assert_image_shows
from tests.browser.test_comment_journey import SCREENSHOTS, _log_in_to_admin
from tests.factories import PostFactory

WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def media_site(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return live_server.url


def test_author_uploads_a_picture_and_puts_it_in_the_body(media_site, open_page, tmp_path):
    post = PostFactory(title="Up the mountain", body="Rocky climbs.")
    photo = tmp_path / "summit.jpg"
    photo.write_bytes(image_bytes(size=(1600, 900)))
    admin = open_page(viewport=WIDE)
    _log_in_to_admin(admin, media_site)
    admin.goto(f"{media_site}/admin/blog/post/{post.pk}/change/")

    pictures = admin.locator("#pictures-group")
    pictures.get_by_role("button", name="Add another").click()
    admin.locator("#id_pictures-0-image").set_input_files(photo)
    pictures.locator("input[name='pictures-0-alt']").fill("Rocky on the summit, arms raised")
    pictures.locator("input[name='pictures-0-caption']").fill("The top of the mountain")
    admin.locator("#id_body").fill("Rocky climbs.\n\n![](image:1)\n\nAnd shouts.")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(pictures.locator("code")).to_have_text("![](image:1)")

    reader = open_page(viewport=WIDE)
    reader.goto(media_site + Post.objects.get().get_absolute_url())
    figure = reader.locator("figure.picture")
    figure.scroll_into_view_if_needed()
    expect(figure.locator("img")).to_have_attribute("alt", "Rocky on the summit, arms raised")
    expect(figure.locator("figcaption")).to_have_text("The top of the mountain")
    assert_image_shows(figure.locator("img"))
    SCREENSHOTS.mkdir(exist_ok=True)
    reader.screenshot(path=SCREENSHOTS / "picture-in-body.png", full_page=True)


def test_an_imported_image_from_another_site_shows_as_a_link_and_never_loads(
    media_site, open_page
):
    post = PostFactory(
        title="Imported from the old blog",
        body="An old photo:\n\n![The barn](https://old-blog.example/wp-content/uploads/barn.jpg)",
    )
    reader = open_page(viewport=WIDE)
    reader.goto(media_site + post.get_absolute_url(), wait_until="load")
    link = reader.get_by_role("link", name="Image: The barn (old-blog.example)")
    expect(link).to_be_visible()
    assert not [url for url in reader.requested_urls if "old-blog.example" in url]
