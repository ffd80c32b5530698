"""deploy/serve.sh and deploy/gunicorn.conf.py, really started: what `make serve` does."""

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.servers import POLL_SECONDS, free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" + "0123456789abcdefghij" * 3
START_SECONDS = 30
# What a developer's own shell may hold that would change what is served.
_CLEARED = {
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "DATABASE_URL",
    "DEBUG",
    "EMAIL_BACKEND",
    "GUNICORN_CMD_ARGS",
    "MEDIA_ROOT",
    "MONTAGE_SERVE_MEDIA",
    "MONTAGE_SITE_URL",
    "PRODUCTION",
    "SECRET_KEY",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "STATIC_ROOT",
    "TASKS_URL",
    "WEB_CONCURRENCY",
}


def _environment(tmp_path, **changes):
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECRET_KEY=GOOD_KEY,
        WEB_CONCURRENCY="1",
    )
    env.update(changes)
    return env


def _get(url, data=None, **headers):
    """Status, headers and body; an HTTP error is an answer too."""
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


_POST_WITH_POSTER = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from blog.models import Post
from tests.blog.images import image_bytes
post = Post.objects.create(
    title="Up the mountain", slug="up-the-mountain", lead="Rocky climbs.",
    author=get_user_model().objects.create_user("author"), status=Post.Status.PUBLISHED,
    poster=ContentFile(image_bytes(), name="still.jpg"), poster_alt="Rocky on the summit",
)
print(post.poster.name)
"""


def _post_with_poster_saved(tmp_path):
    """A published post with a poster, saved as the admin saves one, beside the server;
    the poster's stored name."""
    env = _environment(tmp_path, DEBUG="false", ALLOWED_HOSTS="127.0.0.1")
    env["DJANGO_SETTINGS_MODULE"] = "montage.settings"
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", _POST_WITH_POSTER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout.strip()


def _subscribe(site, email):
    """Ask to follow the site as a reader does, through the form and its CSRF token."""
    _status, headers, form = _get(f"{site}/subscribe/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1].decode()
    # urllib keeps no cookies: the CSRF cookie goes back by hand, as a browser sends it.
    cookie = re.search(r"csrftoken=[^;]+", headers["Set-Cookie"])[0]
    data = urllib.parse.urlencode({"email": email, "csrfmiddlewaretoken": token}).encode()
    status, _headers, _page = _get(f"{site}/subscribe/", data, Cookie=cookie)
    return status


def _wait_for_text(log, text):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if text in log.read_text():
            return True
        time.sleep(POLL_SECONDS)
    return False


def _stop(server):
    """TERM to serve.sh, as a service manager sends: it stops gunicorn and the worker."""
    server.terminate()
    try:
        server.wait(timeout=30)
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            return True
    return False


def _task_worker_pid(group):
    """The task worker serve.sh started, among the processes of its group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        process_group = int(stat.rpartition(")")[2].split()[2])
        if process_group == group and b"db_worker" in command:
            return int(entry.name)
    raise AssertionError("serve.sh started no task worker")


def test_make_serve_serves_pages_static_files_and_uploads_and_stops_with_all_it_started(
    tmp_path,
):
    """A bare database becomes a site under production settings: the home page, its
    hashed stylesheet and a poster the author uploads while it runs, each with the headers
    a browser caches by, and the mail a reader asks for, sent by the task worker."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["deploy/serve.sh"],
            cwd=ROOT,
            env=_environment(tmp_path, PORT=str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        site = f"http://127.0.0.1:{port}"
        # Migrations and collectstatic come first.
        wait_until_answering(port, server, log, seconds=START_SECONDS)
        status, _headers, home = _get(f"{site}/")
        assert status == 200
        stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
        assert stylesheet, "the page links no hashed stylesheet"
        status, headers, _body = _get(site + stylesheet[1].decode())
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        stored = _post_with_poster_saved(tmp_path)
        _status, _headers, home = _get(f"{site}/")
        poster = re.search(rb'<img class="poster" src="(/media/posters/[^"]+)"', home)
        assert poster, "the home page shows no uploaded poster"
        status, headers, body = _get(site + poster[1].decode())
        assert (status, headers["Content-Type"]) == (200, "image/jpeg")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert body == (tmp_path / "media" / stored).read_bytes()
        status, _headers, _body = _get(f"{site}/media/../db.sqlite3")
        assert status == 404
        assert _subscribe(site, "reader@example.com") == 200
        assert _wait_for_text(log, "To: reader@example.com"), log.read_text()
        # The task worker dying (RQ's does when Redis goes) neither stops the site nor mail.
        os.kill(_task_worker_pid(server.pid), signal.SIGKILL)
        assert _wait_for_text(log, "the task worker stopped; starting it again"), log.read_text()
        assert _subscribe(site, "second@example.com") == 200
        assert _wait_for_text(log, "To: second@example.com"), log.read_text()
    finally:
        everything_stopped = _stop(server)
    said = log.read_text()
    assert "ALLOWED_HOSTS is not set: answering as 127.0.0.1 and localhost only" in said
    assert "No admin login yet: make one with" in said  # a bare database has none
    assert '"GET / HTTP/1.1" 200' in said
    assert everything_stopped, "gunicorn or the task worker outlived serve.sh"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CACHE_URL", "memcached://127.0.0.1:11211"),
        ("SECRET_KEY", "too-short"),
        ("WEB_CONCURRENCY", "0"),
    ],
)
def test_a_wrong_setting_stops_gunicorn_at_start_with_one_sentence_naming_it(
    tmp_path, variable, value
):
    """gunicorn started by its config file checks everything before it listens."""
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=_environment(
            tmp_path,
            PORT=str(free_port()),
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1",
            **{variable: value},
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    last_line = run.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Montage cannot start:"), run.stderr
    assert variable in last_line
    assert "Listening at" not in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "postgress://127.0.0.1/montage"),
        ("WEB_CONCURRENCY", "many"),
    ],
)
def test_a_wrong_setting_stops_make_serve_before_it_migrates_anything(tmp_path, variable, value):
    """The sentence comes first, before migrations or static files are touched."""
    run = subprocess.run(
        ["deploy/serve.sh"],
        cwd=ROOT,
        env=_environment(tmp_path, PORT=str(free_port()), **{variable: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr.startswith("Montage cannot start:"), run.stderr
    assert variable in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert not (tmp_path / "static").exists()


def test_make_serve_on_another_port_serves_there():
    """`make serve PORT=8123` hands the port to deploy/serve.sh, as `make run` takes it."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "serve", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dry_run.splitlines()[-1] == "PORT=8123 deploy/serve.sh"
