"""An old link, in a real browser: the author renames a post's address in the admin, and
a reader who follows the link they kept lands on the post at its new address."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.test_comment_journey import _log_in_to_admin
from tests.factories import CommentFactory

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


def test_an_old_link_to_a_comment_on_a_later_comment_page_lands_on_it(
    demo_site, open_page, settings
):
    settings.COMMENTS_PER_PAGE = 1
    post = Post.objects.published().order_by("pk").first()
    post.comments.all().delete()
    start = timezone.now() - datetime.timedelta(days=3)
    first, second = (
        CommentFactory(target=post, created_at=start + datetime.timedelta(hours=hour))
        for hour in (1, 2)
    )
    reader = open_page()
    reader.goto(f"{demo_site}{post.get_absolute_url()}#comment-{second.pk}")
    expect(reader).to_have_url(f"{demo_site}{post.get_absolute_url()}?cpage=2#comment-{second.pk}")
    expect(reader.locator(f"#comment-{second.pk}")).to_be_visible()
    expect(reader.locator(f"#comment-{first.pk}")).to_have_count(0)
