"""The security headers every page is served with: a reader's and the author's admin."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from montage.settings import _origin_checked
from tests.factories import PostFactory
from tests.throwaway_database import throwaway_database_url

ROOT = Path(__file__).resolve().parent.parent
PLAYERS = {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}


def _policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.fixture
def reader_page(client, db):
    return client.get(PostFactory().get_absolute_url())


@pytest.fixture
def admin_page(db, client, author):
    return client.get("/admin/")


@pytest.fixture(params=["reader_page", "admin_page"])
def page(request):
    response = request.getfixturevalue(request.param)
    assert response.status_code == 200
    return response


def test_pages_run_only_the_sites_own_scripts_and_styles(page):
    """No inline script or style runs, and nothing from another site but the players."""
    policy = _policy(page)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert "'unsafe-eval'" not in page["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in page


def test_pages_frame_only_the_two_video_players(page):
    """Frames come from youtube-nocookie.com and player.vimeo.com, and from nowhere else."""
    assert set(_policy(page)["frame-src"]) == PLAYERS


def test_pages_load_images_only_from_the_site_itself_by_default(page):
    """Without MONTAGE_MEDIA_ORIGIN, images come from the site alone: no data: either."""
    assert _policy(page)["img-src"] == ["'self'"]


def test_pages_cannot_be_framed_nor_post_forms_or_plugins_elsewhere(page):
    """Clickjacking, forms sent off the site, <base> and plugins are all refused."""
    policy = _policy(page)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert page["X-Frame-Options"] == "DENY"


def test_the_only_inline_styles_allowed_are_table_alignments(page):
    """style="" is allowed only for the exact text-align values Markdown tables write."""
    sources = _policy(page)["style-src-attr"]
    assert sources[0] == "'unsafe-hashes'"
    assert len(sources) == 4
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", source) for source in sources[1:])


def test_pages_deny_the_camera_microphone_and_location(page):
    """No page, and no frame in it, may ask for the camera, microphone or location."""
    features = dict(part.strip().split("=", 1) for part in page["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_the_video_players_may_autoplay_and_go_full_screen(page):
    """What the embed's allow= list asks, the page delegates to the two players only."""
    features = dict(part.strip().split("=", 1) for part in page["Permissions-Policy"].split(","))
    for feature in ("autoplay", "fullscreen", "encrypted-media", "picture-in-picture"):
        origins = set(re.findall(r'"([^"]+)"', features[feature]))
        assert origins == PLAYERS
        assert features[feature].startswith("(self ")


def test_pages_keep_referrers_openers_and_content_types_in_check(page):
    """Other sites get only the origin, no window opener, and no sniffed content type."""
    assert page["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"


def _inline_code(path):
    text = path.read_text()
    found = re.findall(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']", text)
    for attributes in re.findall(r"<script\b([^>]*)>", text):
        if "src=" not in attributes and 'type="application/ld+json"' not in attributes:
            found.append(f"<script{attributes}>")
    return found


def test_no_template_holds_an_inline_script_style_or_event_handler():
    """The CSP would block them: every template keeps script and style in static files.

    JSON-LD is data, never run, so CSP leaves it alone (script-src governs execution).
    """
    folders = [ROOT / "templates", *(ROOT.glob("*/templates"))]
    offenders = {
        str(path.relative_to(ROOT)): found
        for folder in folders
        for path in folder.rglob("*.html")
        if (found := _inline_code(path))
    }
    assert offenders == {}


def test_the_media_origin_is_the_one_more_place_images_come_from():
    """MONTAGE_MEDIA_ORIGIN (object storage, a CDN) is added to img-src, and only there."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from montage import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES'])",
        ],
        cwd=ROOT,
        env={**os.environ, "MONTAGE_MEDIA_ORIGIN": "https://media.example.com/"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'img-src': [\"'self'\", 'https://media.example.com']" in probe.stdout
    assert probe.stdout.count("media.example.com") == 1


@pytest.mark.parametrize(
    "value", ["media.example.com", "ftp://media.example.com", "https://media.example.com/bucket"]
)
def test_a_media_origin_that_is_not_an_origin_stops_startup_naming_it(value):
    """A host without scheme, another scheme or a path would match nothing: refused."""
    with pytest.raises(ImproperlyConfigured, match=r"^MONTAGE_MEDIA_ORIGIN is an origin"):
        _origin_checked("MONTAGE_MEDIA_ORIGIN", value)


def _production_environment():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SECURE_", "DATABASE_URL", "CACHE_URL", "TASKS_URL", "DJANGO_ALLOW")
        )
    }
    env.update(
        DEBUG="false",
        ALLOWED_HOSTS="montage.example",
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="montage.settings",
    )
    return env


def test_production_settings_pass_djangos_deploy_checks(tmp_path):
    """`manage.py check --deploy` under production settings, as CI runs it: not a warning."""
    # Its own database: the checkout's may be busy with another test's server.
    env = _production_environment() | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


_PRODUCTION_PROBE = """
import django
django.setup()
from django.test import Client
from django.conf import settings
response = Client(HTTP_HOST="montage.example").get("/robots.txt", secure=True)
assert response.status_code == 200, response.status_code
print(response["Strict-Transport-Security"])
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
"""


def test_production_asks_browsers_to_keep_to_https_with_secure_cookies(
    tmp_path, database_templates
):
    """HSTS for a year with subdomains and preload, unless told otherwise; secure cookies."""
    migrated = database_templates.migrated(sqlite=True)
    with throwaway_database_url(tmp_path, prefix="montage_https", template=migrated) as url:
        env = _production_environment() | {"DATABASE_URL": url}
        preloaded = subprocess.run(
            [sys.executable, "-c", _PRODUCTION_PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        plain = subprocess.run(
            [sys.executable, "-c", _PRODUCTION_PROBE],
            cwd=ROOT,
            env={**env, "SECURE_HSTS_PRELOAD": "false"},
            capture_output=True,
            text=True,
            check=True,
        )
    assert preloaded.stdout.splitlines() == [
        "max-age=31536000; includeSubDomains; preload",
        "True True",
    ]
    assert plain.stdout.splitlines()[0] == "max-age=31536000; includeSubDomains"


def test_local_development_sends_no_hsts(client, db):
    """`make run` serves plain HTTP: HSTS there would lock localhost out of it for a year."""
    assert not settings.SECURE_HSTS_SECONDS
    assert "Strict-Transport-Security" not in client.get("/robots.txt")


_FAULT_PAGE_PROBE = """
import django
django.setup()
from django.test import RequestFactory
from django.views.defaults import server_error
print(server_error(RequestFactory().get("/")).content.decode())
"""


def test_the_fault_page_shows_in_production_whatever_static_files_were_collected(tmp_path):
    """The 500 page links its stylesheet without the manifest, which may predate it."""
    env = _production_environment() | {"STATIC_ROOT": str(tmp_path / "never-collected")}
    page = subprocess.run(
        [sys.executable, "-c", _FAULT_PAGE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<h1>Something went wrong</h1>" in page
    assert '<link rel="stylesheet" href="/static/css/error.css">' in page
