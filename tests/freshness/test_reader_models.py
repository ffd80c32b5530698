"""Every model a reader page or feed shows, changed three ways in one process, shows on
the next view served by another, on the local-memory cache and on Redis.

The writer (``tests/freshness/writer.py``) and the reader (gunicorn, one worker) are
separate processes sharing one throwaway copy of the demo database: SQLite here,
PostgreSQL when the suite runs on it. The reader warms its caches on each page before
every change.
"""

import contextlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from freshness.triggers import watched_tables
from tests.freshness.changes import CHANGES, WAYS
from tests.servers import free_port, stop, wait_until_answering
from tests.throwaway_database import throwaway_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 60
NETWORK_TIMEOUT = 30


def test_every_watched_model_has_a_change_a_reader_sees():
    """A model added later needs a change here, or a place among the unseen models."""
    tables = set(watched_tables())
    watched = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables and not model._meta.proxy
    }
    assert watched == set(CHANGES)


def _redis_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def database_url(tmp_path, database_templates):
    """A throwaway copy of the demo database, of the suite's own kind."""
    demo = database_templates.demo()
    with throwaway_database_url(tmp_path, prefix="montage_freshness", template=demo) as url:
        demo.media_copy(tmp_path / "media")
        yield url


def _environment(database_url, cache_url, media_root):
    env = os.environ.copy()
    env.update(
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        MEDIA_ROOT=str(media_root),
        DEBUG="false",
        PRODUCTION="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="montage.settings",
    )
    env.pop("TASKS_URL", None)
    return env


class Writer:
    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.freshness.writer"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._answer() == "ready"

    def ask(self, *command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        if isinstance(answer, dict) and "error" in answer:
            raise AssertionError(f"{command} failed in the writer:\n{answer['error']}")
        return answer

    def _answer(self):
        line = self.process.stdout.readline()
        assert line, "the writer stopped"
        return json.loads(line)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=NETWORK_TIMEOUT)


class Reader:
    """gunicorn with one sync worker: one process, one cache of its own on locmem."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "montage.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(log_path)],
            cwd=ROOT, env=env,
        )  # fmt: skip

    def wait_until_serving(self):
        wait_until_answering(self.port, self.process, self.log_path, seconds=STARTUP_TIMEOUT)

    def get(self, path):
        """The page as a reader gets it: its status line, Location and body, as text."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=NETWORK_TIMEOUT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read().decode()
            assert response.status < 500, self.log_path.read_text()
            return f"{response.status} {response.getheader('Location', '')}\n{body}"
        finally:
            connection.close()

    def stop(self):
        stop(self.process)


CACHES = ["locmem://", pytest.param("redis://127.0.0.1:6379/3", id="redis")]


@pytest.mark.parametrize("cache_url", CACHES)
def test_a_change_made_in_one_process_shows_on_the_next_view_in_another(
    database_url, cache_url, tmp_path
):
    if cache_url.startswith("redis") and not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    env = _environment(database_url, cache_url, tmp_path / "media")
    with contextlib.ExitStack() as running:
        # Both start at once; the writer answers once it is ready.
        reader = Reader(env, tmp_path / "gunicorn.log")
        running.callback(reader.stop)
        writer = Writer(env)
        running.callback(writer.stop)
        reader.wait_until_serving()
        missed = []
        for label, number in zip(CHANGES, range(len(CHANGES)), strict=True):
            for way in WAYS:
                marker = f"Fresh{number}{way.capitalize()}{secrets.token_hex(3)}"
                prepared = writer.ask("prepare", label, marker)
                shows = prepared["shows"]
                for url in prepared["urls"]:
                    assert shows not in reader.get(url), (label, way, url, "before")
                writer.ask("apply", label, way, marker)
                missed += [
                    f"{label} through {way}: {url}"
                    for url in prepared["urls"]
                    if shows not in reader.get(url)
                ]
        assert not missed, "\n".join(missed)
