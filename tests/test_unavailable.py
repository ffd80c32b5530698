"""Readers while the database is out of reach: a short 503 page, never a 500."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from freshness import version
from montage.unavailable import server_error
from tests.factories import PostFactory


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_gone(monkeypatch):
    """Every read of the content version fails as psycopg does when PostgreSQL restarts."""

    def refused():
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(version, "_read", refused)


@pytest.mark.django_db
def test_a_reader_gets_a_503_with_retry_after_while_the_database_is_down(reader, database_gone):
    """The page says to come back soon, names no error, and says when to retry."""
    PostFactory()
    response = reader.get("/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in page
    assert "OperationalError" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_the_503_page_is_never_kept_by_a_cache_in_front(reader, database_gone):
    """A proxy must not serve the outage page after the database is back."""
    response = reader.get("/")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_session_the_database_cannot_load_gives_a_503(reader, monkeypatch):
    """A reader with a session cookie meets the database first in the session middleware."""

    def closed(self):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(SessionStore, "load", closed)
    reader.cookies["sessionid"] = "x" * 32
    response = reader.get("/admin/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_a_comment_sent_while_the_database_is_down_is_answered_503(reader, database_gone):
    """The commenter is told to send it again, not shown a fault page."""
    response = reader.post("/comments/post/", {"text": "Hello"})
    assert response.status_code == 503
    assert "send it again" in response.content.decode()


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(reader, monkeypatch):
    """Only the database being out of reach is a 503: a bug stays a fault."""

    def broken():
        raise ZeroDivisionError

    monkeypatch.setattr(version, "_read", broken)
    response = reader.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_the_503_page_renders_without_the_database():
    """No context processor runs: the page cannot fail for want of the database (this
    test has none: any query would raise)."""
    try:
        raise OperationalError("gone")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
