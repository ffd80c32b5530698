"""Browser journeys: headless Chromium, driven by Playwright, against the live server.

Every test here is marked ``browser`` (select or skip them with ``-m``). Chromium is
the system one from Debian; without it the tests skip, unless ``MONTAGE_REQUIRE_BROWSER=1``
(as in CI) turns the missing browser into a failure.
"""

import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection

from blog.demo import demo_load

# Playwright's sync API keeps an asyncio loop running in the test thread, and Django
# refuses ORM calls from such a thread unless told it is safe (Django docs, "Async safety").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("MONTAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STUB_HTML = "<!doctype html><title>Stub</title><p>Third-party page, not loaded in tests.</p>"


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        message = f"Chromium not installed at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("MONTAGE_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    # A plain launch() runs on a fresh temporary profile, removed on close.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


def _stub_other_hosts(route):
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.fallback()
    else:
        route.fulfill(status=200, content_type="text/html", body=STUB_HTML)


@pytest.fixture
def open_page(browser):
    """Open a page in a new context: ``open_page(java_script_enabled=False, ...)``.

    The page never reaches the network: requests to any host but this machine get a
    stub page. Every request URL is still logged, in order, in ``page.requested_urls``.
    """
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        context.route("**/*", _stub_other_hosts)
        page = context.new_page()
        page.requested_urls = []
        context.on("request", lambda request: page.requested_urls.append(request.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


class DemoSnapshot:
    """The demo as loaded once, put back for every later test in a small part of a second
    (``demo_load`` takes a second or two, drawing and encoding the posters).

    On SQLite: the test database copied with SQLite's backup after the first load, its
    uploads beside it, and copied back over each later test's database, which is the
    empty one every test starts from, rows of a test's own fixtures or not (the tables'
    row counts say). On PostgreSQL, or when a test wrote rows first, the demo is loaded.
    """

    def __init__(self, folder):
        self.folder = folder
        self.database = None
        self.counts_before = None

    def load(self, media_root):
        if connection.vendor != "sqlite":
            demo_load()
            return
        counts = _row_counts()
        if self.database is None:
            demo_load()
            self.database = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.database)
            shutil.copytree(media_root, self.folder / "media")
            self.counts_before = counts
        elif counts == self.counts_before:
            self.database.backup(connection.connection)
            shutil.copytree(self.folder / "media", media_root, dirs_exist_ok=True)
            # The rows' ids are the first load's now: forget what was read since.
            ContentType.objects.clear_cache()
            cache.clear()
        else:
            demo_load()


def _row_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory):
    return DemoSnapshot(tmp_path_factory.mktemp("demo-snapshot"))


@pytest.fixture
def demo_site(transactional_db, live_server, settings, tmp_path, demo_snapshot):
    """The demo posts served by the live server; returns its base URL."""
    # Demo posters are written to MEDIA_ROOT; keep them out of the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_snapshot.load(settings.MEDIA_ROOT)
    return live_server.url
