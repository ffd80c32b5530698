"""Two machines: two app servers sharing one database, one Redis cache and one S3 bucket,
as a site outgrows one machine (README, Production). What one does, the other shows.

Each server is gunicorn started from deploy/gunicorn.conf.py, as `make serve` starts it,
on a port of its own: a process that shares with the other only what the deployment
shares. The database is a throwaway one of the suite's kind (two processes on one SQLite
file stand in for a shared PostgreSQL), the cache a Redis database of its own, the bucket
one on moto's S3 server (tests/s3.py).

Readers and the author use the servers through HTTP alone, each with a browser's cookie
jar, which keeps one site's cookies whatever the port: the two ports are the two machines
a load balancer sends each request to. The balancer says who the reader is in
X-Forwarded-For (COMMENTS_TRUSTED_PROXIES=1), so each reader has an address of their own.
"""

import contextlib
import io
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import redis
from PIL import Image

from tests.blog.admin_forms import form_values
from tests.blog.images import image_bytes
from tests.deploy.http_browser import Browser
from tests.s3 import bucket_create, s3_environment
from tests.servers import free_port, started, stop_all, wait_until_answering
from tests.throwaway_database import throwaway_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# A Redis database no other test uses: the test empties it at start and at the end.
CACHE_URL = os.environ.get("MONTAGE_TEST_SHARED_CACHE_URL", "redis://127.0.0.1:6379/13")
NETWORK_TIMEOUT = 10
PASSWORD = "two-machines-author-password"
POSTS = ["approved-elsewhere", "poster-elsewhere", "flood-across"]
FLOOD_MESSAGE = "You are posting comments too quickly."
POSTER_RGB = (0x27, 0x44, 0x5C)  # the colour of tests.blog.images.image_bytes()

# Run in a process of its own before the servers start, with their settings: writes what
# the author has before the test (posts and an account) in the new, migrated database.
_SET_UP = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from blog.models import Post, Video
password, *slugs = sys.argv[1:]
author = get_user_model().objects.create_superuser("author", "author@example.com", password)
posts = {}
for number, slug in enumerate(slugs):
    post = Post.objects.create(
        title=slug.replace("-", " ").capitalize(), slug=slug, lead="Rocky runs.",
        author=author, status=Post.Status.PUBLISHED,
    )
    # The poster shows in the video's frame, before the reader plays it.
    Video.objects.create(post=post, url=f"https://youtu.be/rocky{number:06d}", title="The run")
    posts[slug] = post.pk
print(json.dumps(posts))
"""


def _environment(*, database_url, bucket, endpoint):
    """What both machines are started with: the same settings, as one deployment's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "COMMENTS_", "MONTAGE_", "GUNICORN_"))
        and key not in {"MEDIA_STORAGE", "TASKS_URL", "MEDIA_ROOT", "STATIC_ROOT"}
    }
    env.update(
        s3_environment(endpoint=endpoint, bucket=bucket),
        DJANGO_SETTINGS_MODULE="montage.settings",
        DATABASE_URL=database_url,
        CACHE_URL=CACHE_URL,
        # Plain http on loopback: the HTTPS a load balancer would end is not what is tested.
        DEBUG="false",
        PRODUCTION="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        WEB_CONCURRENCY="1",
        COMMENTS_TRUSTED_PROXIES="1",
        # These readers type at once; the wait for people is not what is tested.
        COMMENTS_MIN_SECONDS_TO_POST="0",
    )
    return env


def _set_up(env):
    run = subprocess.run(
        [sys.executable, "-c", _SET_UP, PASSWORD, *POSTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


class Machine:
    """One app server: gunicorn from the repo's config file, on a port of its own."""

    def __init__(self, name, folder, *, taken=()):
        self.port = free_port(taken)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"gunicorn-{name}.log"

    def started(self, env):
        return started(
            [BIN / "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            log_path=self.log, env={**env, "PORT": str(self.port)},
        )  # fmt: skip


@dataclass
class Site:
    a: Machine
    b: Machine
    post_ids: dict

    def post_page(self, machine, slug):
        return f"{machine.url}/posts/{slug}/"


@pytest.fixture(scope="module")
def shared_cache():
    """The machines' one Redis cache, emptied before they start and after they stop."""
    connection = redis.Redis.from_url(CACHE_URL, socket_connect_timeout=1)
    try:
        connection.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {CACHE_URL}")
    yield
    connection.flushdb()
    connection.close()


@pytest.fixture(scope="module")
def bucket(s3_server):
    return bucket_create(s3_server)


@pytest.fixture(scope="module")
def site(shared_cache, bucket, s3_server, tmp_path_factory, database_templates):
    """Machines A and B, serving, on one database, cache and bucket."""
    folder = tmp_path_factory.mktemp("two-machines")
    with contextlib.ExitStack() as running:
        database_url = running.enter_context(
            throwaway_database_url(
                folder, prefix="montage_two_machines", template=database_templates.migrated()
            )
        )
        env = _environment(database_url=database_url, bucket=bucket.name, endpoint=s3_server.url)
        a = Machine("a", folder)
        b = Machine("b", folder, taken={a.port})
        # Both start while the author's posts are written: no request reaches them before.
        processes = {machine: running.enter_context(machine.started(env)) for machine in (a, b)}
        running.callback(stop_all, processes.values())
        post_ids = _set_up(env)
        for machine, process in processes.items():
            wait_until_answering(machine.port, process, machine.log)
        yield Site(a=a, b=b, post_ids=post_ids)


def test_a_comment_approved_on_one_machine_shows_on_the_others_next_page_view(site):
    """A comment sent to A waits for moderation; approved in B's admin, it is on the
    next page A serves to a reader, though A had that page in its caches."""
    page = site.post_page(site.a, "approved-elsewhere")
    text = "You fought like a champion, Rocky."
    assert text not in Browser("198.51.100.1").get(page).text
    sent = Browser("203.0.113.10").post_comment(
        page, name="Apollo Creed", email="apollo@example.com", text=text
    )
    assert sent.status == 303, sent.text
    assert text not in Browser("198.51.100.2").get(page).text

    author = Browser("192.0.2.1")
    author.log_in(site.b.url, username="author", password=PASSWORD)
    queue = author.get(f"{site.b.url}/admin/comments/comment/")
    approve = re.search(
        r'formaction="([^"]+)" aria-label="Approve the comment by Apollo Creed"', queue.text
    )
    assert approve, "B's moderation queue does not show the comment sent to A"
    # The row's button posts the list's form to that comment's own approval address.
    approved = author.post(
        f"{site.b.url}{unescape(approve[1])}", form_values(queue.text, "changelist-form")
    )
    assert approved.status == 302, approved.text

    shown = Browser("198.51.100.3").get(page).text
    assert text in shown, "A's next page view does not show the comment approved on B"


def test_a_poster_uploaded_on_one_machine_is_served_by_the_other(site, bucket, s3_server):
    """The poster saved in A's admin is on B's page, linked from the bucket, which
    serves the image."""
    page = site.post_page(site.b, "poster-elsewhere")
    before = Browser("198.51.100.4").get(page)
    assert before.status == 200 and bucket.url not in before.text

    author = Browser("192.0.2.2")
    author.log_in(site.b.url, username="author", password=PASSWORD)
    change = author.get(
        f"{site.a.url}/admin/blog/post/{site.post_ids['poster-elsewhere']}/change/"
    )
    fields = form_values(change.text, "post_form") | {"poster_alt": "Rocky on the summit"}
    poster = ("summit.jpg", "image/jpeg", image_bytes(size=(1600, 900)))
    saved = author.post(change.url, fields, files={"poster": poster})
    assert saved.status == 302, saved.text

    after = Browser("198.51.100.5").get(page)
    address = re.search(r'<img class="poster" src="([^"]+)"', after.text)[1]
    assert address.startswith(f"{bucket.url}/posters/"), address
    img_src = re.search(r"img-src ([^;]+)", after.headers["Content-Security-Policy"])[1]
    assert s3_server.url in img_src.split()
    with urllib.request.urlopen(address, timeout=NETWORK_TIMEOUT) as stored:
        assert stored.headers["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(stored.read()))
    # The uploaded image (re-encoded without its metadata): its size and its colour.
    assert (image.format, image.size) == ("JPEG", (1600, 900))
    centre = image.getpixel((800, 450))
    assert all(abs(got - sent) <= 2 for got, sent in zip(centre, POSTER_RGB, strict=True)), centre


def test_the_flood_limit_counts_comments_sent_to_either_machine(site):
    """A second comment from one address moments after its first is refused by B though
    A took the first; another reader's comment on B at that moment is taken."""
    flooder = Browser("203.0.113.20")
    first = flooder.post_comment(
        site.post_page(site.a, "flood-across"),
        name="Ivan Drago", email="ivan@example.com", text="I must break you.",
    )  # fmt: skip
    assert first.status == 303, first.text
    again = flooder.post_comment(
        site.post_page(site.b, "flood-across"),
        name="Not Ivan", email="someone-else@example.com", text="If he dies, he dies.",
    )  # fmt: skip
    assert again.status == 429
    assert FLOOD_MESSAGE in again.text
    other = Browser("203.0.113.21").post_comment(
        site.post_page(site.b, "flood-across"),
        name="Adrian", email="adrian@example.com", text="Come home, Rocky.",
    )  # fmt: skip
    assert other.status == 303, other.text
