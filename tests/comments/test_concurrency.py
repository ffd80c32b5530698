"""Comments posted at the same moment, through gunicorn, on SQLite.

Runs the real stack in subprocesses (migrate, load_demo, gunicorn with several sync
workers) on a throwaway SQLite file, so several processes really compete for the write
lock; the settings' WAL mode, IMMEDIATE transactions and busy timeout must make every
writer wait its turn rather than fail, and the flood rule must count what every worker
and every server took.
"""

import contextlib
import http.client
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POST_PATH = "/posts/rocky-training-in-russia-rocky-iv/"
COMMENT_PATH = "/comments/post/"
READERS = 20
WORKERS = 4
MIN_SECONDS_TO_POST = 1
NETWORK_TIMEOUT = 30
STARTUP_TIMEOUT = 20

_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_TARGET = re.compile(r'name="target" value="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


def _environment(tmp_path):
    # Production serves static files through a manifest that collectstatic writes, and
    # STATIC_ROOT is fixed in the checkout: this wrapper points it at the temp dir.
    static_root = tmp_path / "static"
    (tmp_path / "concurrency_settings.py").write_text(
        f"from montage.settings import *  # noqa: F403\nSTATIC_ROOT = {str(static_root)!r}\n"
    )
    env = os.environ.copy()
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        CACHE_URL="locmem://",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        COMMENTS_MIN_SECONDS_TO_POST=str(MIN_SECONDS_TO_POST),
        # Moderators are emailed about each pending comment; keep it off the terminal.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="concurrency_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")])),
    )
    return env


def _manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _free_ports(count):
    """``count`` distinct free ports: each probe stays bound until all are found."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


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


def _wait_until_serving(server, port, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{log_path.read_text()}")
        try:
            response, _ = _request(port, "GET", POST_PATH, source="127.0.0.1")
        except OSError:
            time.sleep(0.2)
            continue
        assert response.status == 200, log_path.read_text()
        return
    raise AssertionError(f"gunicorn did not answer within {STARTUP_TIMEOUT} s")


def _prepared_site(tmp_path):
    """The environment of a site on a fresh database with the demo posts, ready to serve."""
    env = _environment(tmp_path)
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo")
    _manage(env, "collectstatic", "--noinput")
    return env


@contextlib.contextmanager
def _serving(env, port, log_path, *, workers):
    """gunicorn serving the site on ``port`` until the block ends."""
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "montage.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, port, log_path)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


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


def test_twenty_readers_posting_at_once_on_sqlite_lose_no_comment_and_see_no_error(tmp_path):
    """20 readers, each from their own address, post at once: all 20 are saved, none fails."""
    env = _prepared_site(tmp_path)
    database = tmp_path / "db.sqlite3"
    before = _comments(database)

    port = _free_port()
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

    with _serving(env, port, log_path, workers=WORKERS):
        _run_all(reader, range(READERS))

    assert not errors, errors
    assert statuses == dict.fromkeys(range(READERS), 303), log_path.read_text()
    new = [row for row in _comments(database) if row not in before]
    assert sorted(new) == sorted(
        (f"reader{n}@example.com", f"Comment number {n} from the crowd.", "pending")
        for n in range(READERS)
    )


def test_the_flood_rule_counts_across_two_servers_sharing_the_database(tmp_path):
    """One reader sends two comments at once, each to another server: one is taken, the
    other refused as a flood, as if both had reached the same server."""
    env = _prepared_site(tmp_path) | {"COMMENTS_MIN_SECONDS_TO_POST": "0"}
    database = tmp_path / "db.sqlite3"
    before = _comments(database)
    ports = _free_ports(2)
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
        for number, port in enumerate(ports):
            servers.enter_context(_serving(env, port, tmp_path / f"server{number}.log", workers=1))
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
