"""Comments posted at the same moment, through gunicorn, on SQLite.

Runs the real stack in subprocesses (gunicorn with several sync workers) on a copy of the
session's SQLite demo database (tests/throwaway_database.py), so several processes really
compete for the write lock; the settings' WAL mode, IMMEDIATE transactions and busy
timeout must make every writer wait its turn rather than fail, and the flood rule must
count what every worker and every server took.
"""

import contextlib
import http.client
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.servers import free_port, serving, started, stop_all, wait_until_answering
from tests.throwaway_database import throwaway_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POST_PATH = "/posts/rocky-training-in-russia-rocky-iv/"
COMMENT_PATH = "/comments/post/"
READERS = 20
WORKERS = 4
MIN_SECONDS_TO_POST = 1
NETWORK_TIMEOUT = 30

_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_TARGET = re.compile(r'name="target" value="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


def _environment(**changes):
    env = os.environ.copy()
    env.update(
        CACHE_URL="locmem://",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        COMMENTS_MIN_SECONDS_TO_POST=str(MIN_SECONDS_TO_POST),
        # Moderators are emailed about each pending comment; keep it off the terminal.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="montage.settings",
        **changes,
    )
    return env


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production serves static files through a manifest that collectstatic writes: one
    collection for the module's servers, which only read it."""
    static_root = tmp_path_factory.mktemp("concurrency-static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=_environment(STATIC_ROOT=str(static_root)),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return static_root


@pytest.fixture
def site_environment(tmp_path, database_templates, static_root):
    """The environment of a site on a copy of the demo database, ready to serve."""
    demo = database_templates.demo(sqlite=True)
    with throwaway_database_url(tmp_path, prefix="montage_concurrency", template=demo) as url:
        yield _environment(
            DATABASE_URL=url,
            MEDIA_ROOT=str(demo.media_copy(tmp_path / "media")),
            STATIC_ROOT=str(static_root),
        )


def _request(port, method, path, *, source, body=None, headers=None):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=NETWORK_TIMEOUT, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def _gunicorn(port, workers):
    return [BIN / "gunicorn", "montage.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]


def _run_all(function, arguments):
    """``function(argument)`` for each argument, all in threads at once; fails if one hangs."""
    threads = [threading.Thread(target=function, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * NETWORK_TIMEOUT + 10)
    assert not any(thread.is_alive() for thread in threads), "a reader hung"


def _comment_form(port, *, source, name, email, text):
    """The post page's comment form, loaded from ``port``, filled in: (body, headers)."""
    response, page = _request(port, "GET", POST_PATH, source=source)
    assert response.status == 200, response.status
    cookie = _CSRF_COOKIE.search(response.getheader("Set-Cookie", "")).group(1)
    body = urlencode(
        {
            "csrfmiddlewaretoken": _CSRF_FIELD.search(page).group(1),
            "name": name,
            "email": email,
            "url": "",
            "text": text,
            "parent": "",
            "target": _TARGET.search(page).group(1),
            "token": _TOKEN.search(page).group(1),
            "homepage": "",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
    }
    return body, headers


def _comments(database):
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT email, text, status FROM comments_comment").fetchall()


def test_twenty_readers_posting_at_once_on_sqlite_lose_no_comment_and_see_no_error(
    tmp_path, site_environment
):
    """20 readers, each from their own address, post at once: all 20 are saved, none fails."""
    env = site_environment
    database = tmp_path / "db.sqlite3"
    before = _comments(database)

    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    statuses, errors = {}, []
    # After every reader has loaded the form, wait out the "posted too fast" rule once,
    # then release all of them together.
    barrier = threading.Barrier(
        READERS, action=lambda: time.sleep(MIN_SECONDS_TO_POST + 0.5), timeout=NETWORK_TIMEOUT
    )

    def reader(number):
        # A distinct loopback address each, so the flood rule (one comment per IP per
        # 15 s) does not refuse them: gunicorn reports the source as REMOTE_ADDR.
        source = f"127.0.0.{number + 2}"
        try:
            body, headers = _comment_form(
                port,
                source=source,
                name=f"Reader {number}",
                email=f"reader{number}@example.com",
                text=f"Comment number {number} from the crowd.",
            )
            barrier.wait()
            response, _ = _request(
                port, "POST", COMMENT_PATH, source=source, body=body, headers=headers
            )
            statuses[number] = response.status
        except Exception as error:  # Reported below with the reader's number.
            barrier.abort()
            errors.append((number, repr(error)))

    with serving(_gunicorn(port, WORKERS), port=port, log_path=log_path, path=POST_PATH, env=env):
        _run_all(reader, range(READERS))

    assert not errors, errors
    assert statuses == dict.fromkeys(range(READERS), 303), log_path.read_text()
    new = [row for row in _comments(database) if row not in before]
    assert sorted(new) == sorted(
        (f"reader{n}@example.com", f"Comment number {n} from the crowd.", "pending")
        for n in range(READERS)
    )


def test_the_flood_rule_counts_across_two_servers_sharing_the_database(tmp_path, site_environment):
    """One reader sends two comments at once, each to another server: one is taken, the
    other refused as a flood, as if both had reached the same server."""
    env = site_environment | {"COMMENTS_MIN_SECONDS_TO_POST": "0"}
    database = tmp_path / "db.sqlite3"
    before = _comments(database)
    first = free_port()
    ports = [first, free_port(taken={first})]
    source = "127.0.0.9"
    forms = {}
    barrier = threading.Barrier(len(ports), timeout=NETWORK_TIMEOUT)
    answers, errors = {}, []

    def send(port):
        body, headers = forms[port]
        try:
            barrier.wait()
            answers[port] = _request(
                port, "POST", COMMENT_PATH, source=source, body=body, headers=headers
            )
        except Exception as error:  # Reported below with the server's port.
            barrier.abort()
            errors.append((port, repr(error)))

    with contextlib.ExitStack() as servers:
        logs = [tmp_path / f"server{number}.log" for number in range(len(ports))]
        processes = [
            servers.enter_context(started(_gunicorn(port, 1), log_path=log, env=env))
            for port, log in zip(ports, logs, strict=True)
        ]
        servers.callback(stop_all, processes)
        for port, process, log in zip(ports, processes, logs, strict=True):
            wait_until_answering(port, process, log, path=POST_PATH)
        for port in ports:
            forms[port] = _comment_form(
                port,
                source=source,
                name="Hasty reader",
                email="hasty@example.com",
                text=f"My comment, sent through the server on port {port}.",
            )
        _run_all(send, ports)

    assert not errors, errors
    statuses = sorted(response.status for response, _page in answers.values())
    assert statuses == [303, 429]
    refused = next(page for response, page in answers.values() if response.status == 429)
    assert "You are posting comments too quickly" in refused
    new = [row for row in _comments(database) if row not in before]
    assert len(new) == 1
    assert new[0][0] == "hasty@example.com"
