"""Behind a caching nginx, no reader's page reaches another reader.

gunicorn (two workers, the demo on a copy of the session's demo database) runs behind
deploy/nginx.conf as committed (as tests/deploy/test_proxy_configs.py adapts it to a test
machine), with a proxy cache on for every location, storing for ten minutes whatever names
no lifetime of its own (``proxy_cache_valid``), as a deployer wanting a fast site would
write. Each test runs through two such proxies in front of the same site:

- one honouring every upstream header as nginx does by default: it stores no response
  that sets a cookie, and every page holding a CSRF token sets the CSRF cookie;
- one that stores responses setting cookies too and keys pages on their address alone
  (``proxy_ignore_headers Set-Cookie Vary``), as CDNs that ignore ``Vary: Cookie`` do:
  only ``Cache-Control`` keeps a reader's page out of it.

Each reader keeps their own cookies, as a browser does. Skipped where nginx is not
installed.
"""

import contextlib
import http.client
import itertools
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.deploy.test_proxy_configs import _nginx_config
from tests.reader_pages import READER_PAGES
from tests.servers import (
    NETWORK_SECONDS,
    free_port,
    started,
    stop_all,
    wait_until_answering,
)
from tests.throwaway_database import throwaway_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POST_PATH = "/posts/rocky-training-in-russia-rocky-iv/"
DRAFT_PATH = "/posts/rocky-iii-eye-of-the-tiger/"
STAFF_NOTICE = "only staff can see this page"

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_FIELD = re.compile(r'name="(target|token)" value="([^"]+)"')

_PREPARE = """
import os
import django
django.setup()
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("staff", "", os.environ["STAFF_PASSWORD"])
"""

# At the http level, so every location inherits them; X-Cache-Status says what nginx did.
_CACHING = (
    "proxy_cache_path {cache} keys_zone=pages:1m; proxy_cache pages; "
    "proxy_cache_valid 200 301 302 10m; "
    "add_header X-Cache-Status $upstream_cache_status always;\n"
)
PROXIES = {
    "nginx-default": "",
    # A stored page's cookie would then be handed to every reader served that page.
    "nginx-ignoring-cookies": "proxy_ignore_headers Set-Cookie Vary;\n",
}
# Each reader comes from an address of their own, or the flood rule would refuse the
# second comment from the proxy's one address.
_ADDRESSES = (f"127.0.0.{number}" for number in itertools.cycle(range(2, 255)))


class Browser:
    """One reader: their own cookies, sent back as a browser does, from their own address
    (the site reads it from nginx's X-Forwarded-For, COMMENTS_TRUSTED_PROXIES=1)."""

    def __init__(self, port):
        self.port = port
        self.address = next(_ADDRESSES)
        self.cookies = {}
        self.seen = []

    def get(self, path):
        return self._request("GET", path)

    def post(self, path, fields):
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, body, headers)

    def forget(self, name):
        del self.cookies[name]

    def _request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=NETWORK_SECONDS, source_address=(self.address, 0)
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode()
        finally:
            connection.close()
        assert response.status < 500, page
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        token = _CSRF_FIELD.search(page)
        if token:
            self.csrf_token = token[1]
        self.seen.append((method, path, response.getheader("X-Cache-Status"), bool(token)))
        return response, page


def _environment(tmp_path, database_url, staff_password):
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMMENTS_")}
    for name in ("CACHE_URL", "TASKS_URL", "MEDIA_STORAGE", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        DEBUG="false",
        PRODUCTION="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        COMMENTS_MIN_SECONDS_TO_POST="0",
        COMMENTS_TRUSTED_PROXIES="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="montage.settings",
        STAFF_PASSWORD=staff_password,
    )
    return env


def _caching_nginx_config(root, port, upstream, extra):
    root.mkdir()
    command = _nginx_config(root, port, upstream)
    config = root / "nginx.conf"
    text = config.read_text()
    assert text.count("http { ") == 1, "the test's nginx wrapper changed: update this test"
    caching = _CACHING.format(cache=root / "cache") + extra
    config.write_text(text.replace("http { ", "http { " + caching))
    return command


@pytest.fixture(scope="module")
def staff_password():
    return secrets.token_urlsafe(12)


@pytest.fixture(scope="module")
def proxies(tmp_path_factory, database_templates, staff_password):
    """The port of each caching nginx in ``PROXIES``, all in front of one gunicorn serving
    the demo, shared by this module's tests: each reader in them is new, with a text of
    their own."""
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed")
    root = tmp_path_factory.mktemp("caching_proxy")
    demo = database_templates.demo()
    upstream = free_port()
    ports = {}
    with contextlib.ExitStack() as running:
        database_url = running.enter_context(
            throwaway_database_url(root, prefix="montage_caching_proxy", template=demo)
        )
        demo.media_copy(root / "media")
        env = _environment(root, database_url, staff_password)
        subprocess.run([sys.executable, "-c", _PREPARE], cwd=ROOT, env=env, check=True, timeout=60)
        gunicorn = [BIN / "gunicorn", "montage.wsgi", "-w", "2", "-b", f"127.0.0.1:{upstream}"]
        log = root / "gunicorn.log"
        process = running.enter_context(started(gunicorn, log_path=log, env=env))
        servers = {upstream: (process, log)}
        for name, extra in PROXIES.items():
            port = ports[name] = free_port(taken={upstream, *ports.values()})
            command = _caching_nginx_config(root / name, port, upstream, extra)
            log = root / f"{name}.log"
            process = running.enter_context(
                started([nginx, *command[1:]], log_path=log, cwd=root / name)
            )
            servers[port] = (process, log)
        running.callback(stop_all, [process for process, _log in servers.values()])
        # Started together, waited for in turn.
        for port, (process, log) in servers.items():
            wait_until_answering(port, process, log, path="/robots.txt")
        yield ports
    for name in PROXIES:
        log = (root / f"{name}.log").read_text()
        assert "emerg" not in log, log


@pytest.fixture(params=PROXIES)
def proxy(request, proxies):
    return proxies[request.param]


def _comment(browser, *, name, text, remember=False):
    """Post a comment from the post page's form, as the reader's browser does, with an
    email of the reader's own (the flood rule counts by email too)."""
    _response, page = browser.get(POST_PATH)
    fields = dict(_FORM_FIELD.findall(page))
    fields |= {
        "name": name,
        "email": f"reader{browser.address.rpartition('.')[2]}@example.com",
        "text": text,
        "url": "",
    }
    if remember:
        fields["remember"] = "on"
    response, _page = browser.post("/comments/post/", fields)
    assert response.status == 303, _page


def _anonymous_pages(port, path):
    """``path`` as two readers without a cookie get it, then as one holding only the
    CSRF cookie (the reader the site's own page cache serves)."""
    first, second = Browser(port), Browser(port)
    pages = [first.get(path), second.get(path), first.get(path)]
    return pages, [first, second]


def _never_served_a_stored_page_with_a_token(browsers):
    for browser in browsers:
        for method, path, cache_status, has_token in browser.seen:
            assert not (has_token and cache_status == "HIT"), (method, path, browser.seen)


def test_a_pending_comment_shows_to_its_author_and_never_to_a_reader_after_them(proxy):
    """The author of a pending comment sees it through the proxy; the next readers,
    with or without a cookie, get a page without it and with a CSRF token of their own."""
    text = f"Pending through the proxy {secrets.token_hex(4)}"
    commenter = Browser(proxy)
    _comment(commenter, name="Adrian", text=text)
    _response, own_page = commenter.get(POST_PATH)
    assert text in own_page

    pages, readers = _anonymous_pages(proxy, POST_PATH)
    tokens = [_CSRF_FIELD.search(page)[1] for _response, page in pages]
    assert all(text not in page for _response, page in pages)
    assert len({commenter.csrf_token, *tokens}) == 4
    _never_served_a_stored_page_with_a_token([commenter, *readers])


def test_a_remembered_name_fills_only_its_readers_form(proxy):
    """A reader who ticks "remember me" finds their name in the form on their next
    visit; readers after them find an empty form."""
    name = f"Remembered {secrets.token_hex(4)}"
    remembering = Browser(proxy)
    _comment(remembering, name=name, text="Remember me, please.", remember=True)
    # The name then shows through the remember-me cookie alone, not the comment's.
    remembering.forget("comments_pending")
    _response, own_page = remembering.get(POST_PATH)
    assert f'value="{name}"' in own_page

    pages, readers = _anonymous_pages(proxy, POST_PATH)
    assert all(name not in page for _response, page in pages)
    assert remembering.csrf_token not in {_CSRF_FIELD.search(page)[1] for _r, page in pages}
    _never_served_a_stored_page_with_a_token([remembering, *readers])


def test_what_staff_see_never_reaches_a_reader_after_them(proxy, staff_password):
    """Staff logged in see a draft with its notice, and the published post; readers
    after them get no draft, and the post with a CSRF token of their own."""
    staff = Browser(proxy)
    staff.get("/admin/login/")
    response, page = staff.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": staff_password, "next": "/admin/"},
    )
    assert (response.status, response.getheader("Location")) == (302, "/admin/"), page

    response, draft = staff.get(DRAFT_PATH)
    assert response.status == 200 and STAFF_NOTICE in draft
    pages, readers = _anonymous_pages(proxy, DRAFT_PATH)
    assert [response.status for response, _page in pages] == [404, 404, 404]
    assert all(STAFF_NOTICE not in page for _response, page in pages)

    response, _post = staff.get(POST_PATH)
    assert response.status == 200
    staff_token = staff.csrf_token
    pages, more_readers = _anonymous_pages(proxy, POST_PATH)
    assert staff_token not in {_CSRF_FIELD.search(page)[1] for _response, page in pages}
    assert all(STAFF_NOTICE not in page for _response, page in pages)
    _never_served_a_stored_page_with_a_token([staff, *readers, *more_readers])


def test_the_proxy_stores_what_every_reader_shares(proxy):
    """The cache is live: a redirect every reader gets alike is served from it the second
    time; feeds hold no reader's value, whatever nginx does with them."""
    reader = Browser(proxy)
    statuses = [reader.get("/archive")[0].getheader("X-Cache-Status") for _ in range(2)]
    assert statuses == ["MISS", "HIT"]

    (first, feed), (_second, same_feed) = (
        Browser(proxy).get("/feed/"),
        Browser(proxy).get("/feed/"),
    )
    assert feed == same_feed and first.getheader("Set-Cookie") is None


def test_no_reader_page_a_reader_with_cookies_opens_reaches_the_next_reader(proxy):
    """Every reader page (tests/reader_pages.py), opened by a reader with a pending
    comment and a remembered name, then by a reader without a cookie: the second gets
    neither, nor the first one's CSRF token or cookie."""
    name = f"Regular {secrets.token_hex(4)}"
    regular = Browser(proxy)
    _comment(regular, name=name, text=f"Every page {secrets.token_hex(4)}", remember=True)
    paths = {page.path.format(year=time.strftime("%Y"), month=time.strftime("%m"))
             for page in READER_PAGES.values()}  # fmt: skip
    readers = []
    for path in sorted(paths):
        _response, own_page = regular.get(path)
        reader = Browser(proxy)
        readers.append(reader)
        _response, page = reader.get(path)
        assert name not in page, path
        own_token, token = _CSRF_FIELD.search(own_page), _CSRF_FIELD.search(page)
        assert not (token and own_token and token[1] == own_token[1]), path
        assert reader.cookies.get("csrftoken") != regular.cookies["csrftoken"], path
    _never_served_a_stored_page_with_a_token([regular, *readers])
