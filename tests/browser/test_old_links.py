"""An old link, in a real browser: the author renames a post's address in the admin, and
a reader who follows the link they kept lands on the post at its new address."""

import re

from playwright.sync_api import expect

from blog.models import Post
from tests.browser.test_comment_journey import _log_in_to_admin

NEW_SLUG = "the-training-montage-renamed"


def test_a_link_kept_from_before_a_slug_change_lands_on_the_post(demo_site, open_page):
    post = Post.objects.published().order_by("pk").first()
    old_url = demo_site + post.get_absolute_url()

    admin = open_page()
    _log_in_to_admin(admin, demo_site)
    admin.goto(f"{demo_site}/admin/blog/post/{post.pk}/change/")
    admin.locator("#id_slug").fill(NEW_SLUG)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist .success")).to_contain_text("was changed successfully")

    reader = open_page()
    response = reader.goto(old_url + "?from=bookmark")
    new_url = f"{demo_site}/posts/{NEW_SLUG}/?from=bookmark"
    expect(reader).to_have_url(new_url)
    assert response.status == 200
    first_answer = response.request.redirected_from.response()
    assert (first_answer.url, first_answer.status) == (old_url + "?from=bookmark", 301)
    assert response.request.redirected_from.redirected_from is None
    expect(reader.locator("h1")).to_have_text(post.title)
    expect(reader).to_have_title(re.compile(re.escape(post.title)))
