"""The page cache as readers meet it: the same page from the cache, with their own
CSRF token and form timestamp; a fresh page, stored nowhere, for anyone with a cookie
of their own; validators and 304s; headers no shared cache may store a page under."""

import datetime
import itertools
import re
import time

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from page_cache.holes import hole, seal
from page_cache.middleware import PageCacheMiddleware
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, DraftFactory, PostFactory, StaffFactory
from tests.reader_pages import READER_PAGES

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _tokens(html):
    return _CSRF.search(html).group(1), _TOKEN.search(html).group(1)


def _without_tokens(html):
    return _TOKEN.sub("", _CSRF.sub("", html))


def test_a_second_view_comes_from_the_cache_for_one_query(django_assert_num_queries):
    post = PostFactory()
    CommentFactory(target=post, text="Drago's corner")
    first = Client().get(post.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):  # the content version
        second = Client().get(post.get_absolute_url()).content.decode()
    assert "Drago's corner" in second
    assert _without_tokens(second) == _without_tokens(first)


def test_each_reader_gets_a_csrf_token_of_their_own_and_the_form_shown_now():
    post = PostFactory()
    now = timezone.now()
    with freeze_time(now):
        first = Client().get(post.get_absolute_url())
    with freeze_time(now + datetime.timedelta(minutes=5)):
        second = Client().get(post.get_absolute_url())
    (csrf_one, token_one), (csrf_two, token_two) = (
        _tokens(response.content.decode()) for response in (first, second)
    )
    assert csrf_one != csrf_two
    assert "csrftoken" in second.cookies
    shown = signing.loads(token_two, salt=FORM_TOKEN_SALT)["shown"]
    assert shown - signing.loads(token_one, salt=FORM_TOKEN_SALT)["shown"] == 300


def test_a_comment_sent_from_a_cached_page_is_taken(settings):
    """The tokens filled into a cached page are the real thing: CSRF checked."""
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    post = PostFactory()
    Client().get(post.get_absolute_url())  # stores the page
    reader = Client(enforce_csrf_checks=True)
    csrf, token = _tokens(reader.get(post.get_absolute_url()).content.decode())
    data = comment_data(post, token=token, csrfmiddlewaretoken=csrf, text="Sent from the cache")
    assert reader.post(comment_endpoint(), data).status_code == 303
    assert Comment.objects.get().text == "Sent from the cache"


def _personal_views(post):
    """Three readers whose page is their own: a pending comment, a remembered name, staff."""
    pending = Client()
    data = comment_data(post, text="Awaiting the moderator", email="first@example.com")
    assert pending.post(comment_endpoint(), data).status_code == 303
    remembered = Client()
    data = comment_data(post, name="Apollo Creed", email="creed@example.com", remember="on")
    assert remembered.post(comment_endpoint(), data, REMOTE_ADDR="10.0.0.2").status_code == 303
    Comment.objects.filter(name="Apollo Creed").delete()
    return {
        "pending": (pending, "Awaiting the moderator"),
        "remembered": (remembered, "Apollo Creed"),
    }


def test_a_reader_with_a_cookie_of_their_own_gets_a_page_stored_nowhere(settings):
    settings.COMMENTS_APPROVE_RETURNING_COMMENTERS = False
    post = PostFactory()
    for what, (reader, shown) in _personal_views(post).items():
        response = reader.get(post.get_absolute_url())
        assert shown in response.content.decode(), what
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control, what
        anonymous = Client().get(post.get_absolute_url()).content.decode()
        assert shown not in anonymous, what


def test_staff_previewing_a_draft_leave_nothing_for_readers():
    draft = DraftFactory(title="Work in progress")
    staff = Client()
    staff.force_login(StaffFactory())
    page = staff.get(draft.get_absolute_url())
    assert b"only staff can see this page" in page.content
    assert "no-store" in page["Cache-Control"]
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_staff_reading_a_published_post_get_their_own_page():
    post = PostFactory()
    staff = Client()
    staff.force_login(StaffFactory())
    assert "no-store" in staff.get(post.get_absolute_url())["Cache-Control"]


def test_a_cached_page_answers_304_to_its_etag():
    post = PostFactory()
    client = Client()
    client.get(post.get_absolute_url())
    page = client.get(post.get_absolute_url())
    assert page["ETag"].startswith('W/"')
    again = client.get(post.get_absolute_url(), headers={"if-none-match": page["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    # No Last-Modified of the moment it was cached: each worker's would differ.
    assert not page.has_header("Last-Modified")


def test_a_change_gives_the_page_a_new_etag():
    post = PostFactory(title="Before")
    client = Client()
    client.get(post.get_absolute_url())
    etag = client.get(post.get_absolute_url())["ETag"]
    post.title = "After"
    post.save()
    changed = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert b"After" in changed.content


@pytest.mark.parametrize("name", sorted(READER_PAGES))
def test_no_shared_cache_may_store_a_reader_page(name, settings):
    """``private`` (or ``no-store``) and ``Vary: Cookie`` on every reader page holding a
    CSRF token: a proxy in front never hands one reader's page to another."""
    from blog.demo import demo_load

    demo_load()
    page = READER_PAGES[name]
    path = page.path.format(year=time.strftime("%Y"), month=time.strftime("%m"))
    for _ in range(2):  # rendered, then from the cache
        response = Client().get(path)
        if b"csrfmiddlewaretoken" not in response.content:
            continue  # nothing of this reader's own: a proxy may share it
        control = response.get("Cache-Control", "")
        assert "private" in control or "no-store" in control, (name, control)
        assert "Cookie" in response["Vary"], name


def test_a_marker_not_sealed_with_the_sites_key_is_shown_as_written():
    post = PostFactory()
    forged = "mh-0000000000000000-csrf--hm"
    CommentFactory(target=post, text=f"Look: {forged}")
    Client().get(post.get_absolute_url())
    assert forged in Client().get(post.get_absolute_url()).content.decode()


_paths = itertools.count()


def _served(response_for, requests=2, **headers):
    """How many times the view ran for ``requests`` identical anonymous requests."""
    calls = []

    def view(request):
        calls.append(request)
        return response_for(request)

    middleware = PageCacheMiddleware(view)
    path = f"/somewhere/{next(_paths)}/"
    for _ in range(requests):
        middleware(RequestFactory().get(path, headers=headers))
    return len(calls)


def _cacheable(response):
    response.page_cacheable = True
    return response


def test_only_what_a_view_marks_cacheable_is_stored():
    assert _served(lambda request: _cacheable(HttpResponse("Same for all"))) == 1
    assert _served(lambda request: HttpResponse("Not marked")) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: HttpResponse("Sets a cookie", headers={"Set-Cookie": "a=b"}),
        lambda: HttpResponse("Private", headers={"Cache-Control": "private"}),
        lambda: HttpResponse("Varies", headers={"Vary": "Accept-Language"}),
        lambda: HttpResponse("Not found", status=404),
    ],
    ids=["cookie", "private", "vary", "404"],
)
def test_a_response_for_one_reader_is_not_stored(make):
    assert _served(lambda request: _cacheable(make())) == 2


def test_a_hole_outside_a_cached_page_is_its_value():
    request = RequestFactory().get("/")
    assert hole(request, "csrf") and seal() not in hole(request, "csrf")
    with pytest.raises(ValueError, match="letters, digits"):
        hole(request, "commenttoken", "blog.post:1 <script>")


def test_turned_off_every_view_renders(settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert _served(lambda request: _cacheable(HttpResponse("Rendered each time"))) == 2


def test_a_feed_from_the_cache_keeps_its_own_validators():
    PostFactory()
    client = Client()
    first = client.get(reverse("blog:feed"))
    second = client.get(reverse("blog:feed"))
    assert second["ETag"] == first["ETag"]
    again = client.get(reverse("blog:feed"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert second["Last-Modified"] == first["Last-Modified"]
    since = client.get(reverse("blog:feed"), headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_a_page_kept_in_a_process_expires_with_the_shared_cache(settings):
    """Comments closing with time alone show once PAGE_CACHE_SECONDS have passed, though
    the worker holds the page in its own memory too."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    settings.PAGE_CACHE_SECONDS = 600
    published = timezone.now() - datetime.timedelta(days=14, minutes=-5)
    post = PostFactory(published_at=published)
    with freeze_time(timezone.now()):
        assert "Comments are closed." not in Client().get(post.get_absolute_url()).content.decode()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=6)):
        # Closed now, but the page is still within its ten minutes.
        assert "Comments are closed." not in Client().get(post.get_absolute_url()).content.decode()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=11)):
        assert "Comments are closed." in Client().get(post.get_absolute_url()).content.decode()
