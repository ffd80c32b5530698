"""A response for one reader alone is private, whichever view answered it: no shared
cache in front may store it, even one that keys pages on their address alone."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from page_cache.personal import PersonalResponsesPrivateMiddleware
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_form_opened_by_a_reader_with_cookies_of_their_own_is_private():
    """The subscribe form, not a page the page cache serves, holds this reader's CSRF
    token: a proxy must not hand it, or the cookie set with it, to the next reader."""
    client = Client()
    client.cookies["comments_commenter"] = "a remembered name"
    response = client.get(reverse("subscriptions:subscribe"))
    assert b"csrfmiddlewaretoken" in response.content
    assert response["Cache-Control"] == "private"


def test_a_page_staff_open_outside_the_admin_is_private():
    client = Client()
    client.force_login(StaffFactory())
    assert "private" in client.get(reverse("subscriptions:subscribe"))["Cache-Control"]


def test_a_response_that_says_how_to_cache_it_keeps_its_own_words():
    """A view that chose its caching, cookies or not, is not overruled."""
    chosen = HttpResponse("Chosen", headers={"Cache-Control": "public, max-age=60"})
    patch_vary_headers(chosen, ["Cookie"])
    middleware = PersonalResponsesPrivateMiddleware(lambda request: chosen)
    assert middleware(RequestFactory().get("/"))["Cache-Control"] == "public, max-age=60"


def test_a_response_that_reads_no_cookie_may_be_shared():
    """A redirect every reader gets alike (a missing slash) says nothing of caching."""
    response = Client().get("/archive")
    assert response.status_code == 301
    assert not response.has_header("Cache-Control")
