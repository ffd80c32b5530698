import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from montage.settings import (
    _cache_from_url,
    _database_from_url,
    _hosts_checked,
    _media_storage_from_env,
    _proxy_ssl_header,
    _secret_key_checked,
    _tasks_from_url,
    env,
)
from montage.storage import MediaS3Storage
from tests.throwaway_database import throwaway_database_url


def test_env_reads_booleans_and_lists(monkeypatch):
    """Booleans and comma lists are read the way an operator writes them."""
    monkeypatch.setenv("FLAG", "off")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env("FLAG", True, cast=bool) is False
    assert env("HOSTS", [], cast=list) == ["a.example", "b.example"]


def test_missing_required_setting_names_the_variable(monkeypatch):
    """A required setting that is missing stops startup with a sentence naming it."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env("SECRET_KEY")


def test_unreadable_value_is_refused_clearly(monkeypatch):
    """A boolean that is not one, or a number that is not one, is a clear error."""
    monkeypatch.setenv("DEBUG", "maybe")
    monkeypatch.setenv("MONTAGE_POSTS_PER_PAGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env("DEBUG", True, cast=bool)
    with pytest.raises(ImproperlyConfigured, match="MONTAGE_POSTS_PER_PAGE"):
        env("MONTAGE_POSTS_PER_PAGE", 5, cast=int)


def test_cache_url_selects_the_backend():
    """locmem://, redis:// and dummy:// pick their backends; anything else is refused."""
    assert "LocMemCache" in _cache_from_url("locmem://")["BACKEND"]
    assert "DummyCache" in _cache_from_url("dummy://")["BACKEND"]
    assert _cache_from_url("redis://127.0.0.1:6379/1")["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured):
        _cache_from_url("memcached://127.0.0.1")


@pytest.mark.parametrize("url", ["postgress://x", "nonsense", "postgres://u@h:port/db"])
def test_unreadable_database_url_is_refused_naming_it(url):
    """A mistyped DATABASE_URL stops startup with a sentence naming it, not a parser's error."""
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL is not a database URL"):
        _database_from_url(url)


def test_database_url_for_an_engine_montage_is_not_tested_on_is_refused():
    """Only SQLite and PostgreSQL, the two engines the suite runs on, are accepted."""
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL names a mysql database"):
        _database_from_url("mysql://user:password@127.0.0.1/montage")


def test_database_url_refusals_never_show_its_password():
    """The message may reach a log: the URL's password stays out of it."""
    for url in ("postgress://user:s3cret@h/db", "mysql://user:s3cret@h/db"):
        with pytest.raises(ImproperlyConfigured) as refused:
            _database_from_url(url)
        assert "s3cret" not in str(refused.value)


def test_redis_urls_that_redis_cannot_read_are_refused_at_startup():
    """A Redis URL with a bad port fails when settings load, naming its variable."""
    with pytest.raises(ImproperlyConfigured, match=r"^CACHE_URL is not a Redis URL"):
        _cache_from_url("redis://127.0.0.1:notaport/1")
    with pytest.raises(ImproperlyConfigured, match=r"^TASKS_URL is not a Redis URL"):
        _tasks_from_url("redis://127.0.0.1:notaport/2")


def test_cache_url_refusal_never_shows_its_password():
    """A wrong scheme is named by the scheme, not by the URL that may carry a password."""
    with pytest.raises(ImproperlyConfigured, match="not memcached://") as refused:
        _cache_from_url("memcached://user:s3cret@127.0.0.1")
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize("hosts", [[], ["https://blog.example.com/"], ["blog.example.com:443"]])
def test_allowed_hosts_that_would_refuse_every_request_stop_startup(hosts):
    """No host, or one written with a scheme, port or path, would answer every request 400."""
    with pytest.raises(ImproperlyConfigured, match=r"^ALLOWED_HOSTS"):
        _hosts_checked(hosts)


def test_allowed_hosts_take_ipv6_addresses_and_subdomain_patterns():
    """The forms Django documents still pass: a bracketed IPv6 address, a leading dot."""
    assert _hosts_checked(["[::1]", ".example.com", "127.0.0.1"]) == [
        "[::1]",
        ".example.com",
        "127.0.0.1",
    ]


@pytest.mark.parametrize("key", ["short", "x" * 60, "django-insecure-" + "abcdefghij" * 5])
def test_production_refuses_a_secret_key_that_could_be_guessed(key):
    """Too short, too few characters or Django's insecure prefix: refused, naming SECRET_KEY."""
    with pytest.raises(ImproperlyConfigured, match=r"^SECRET_KEY is too short or too simple"):
        _secret_key_checked(key)


ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter under `make run`'s environment: settings are read once,
# at import, so this process's own settings say nothing about that configuration.
_MAKE_RUN_PROBE = """
import django
from django.test import Client
from django.urls import path

django.setup()

import montage.urls

def failing_view(request):
    raise RuntimeError("a fault in a view")

# First: blog:page would answer /fails/ as a page that does not exist.
montage.urls.urlpatterns.insert(0, path("fails/", failing_view))
client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
missing = client.get("/posts/no-such-post/")
failing = client.get("/fails/")
static = client.get("/static/css/site.css")
print(missing.status_code, failing.status_code, static.status_code)
print("SPLIT".join([missing.content.decode(), failing.content.decode()]))
"""


def test_the_https_header_of_the_web_server_in_front_is_named_by_setting():
    """X-Forwarded-Proto by default, another header by name, or none when nothing is in
    front; a value that is no header name stops startup naming the variable."""
    assert _proxy_ssl_header("X-Forwarded-Proto") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert _proxy_ssl_header("X-Scheme") == ("HTTP_X_SCHEME", "https")
    assert _proxy_ssl_header("") is None
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER names a header"):
        _proxy_ssl_header("X-Forwarded-Proto: https")


def _make_run_environment(*make_args):
    """The variables `make run` gives runserver, read from the Makefile itself."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "run", *make_args],
        cwd=ROOT,
        env={
            key: value
            for key, value in os.environ.items()
            if key not in {"DEBUG", "PRODUCTION", "MONTAGE_SITE_URL"}
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    runserver = next(line for line in dry_run.splitlines() if "runserver" in line)
    return dict(word.split("=", 1) for word in shlex.split(runserver) if "=" in word)


def test_make_run_runs_without_debug_pages_and_make_run_debug_true_with_them():
    """`make run` is not production and hides debug pages; DEBUG=true brings them back."""
    site = "http://127.0.0.1:8000"
    assert _make_run_environment() == {
        "DEBUG": "false",
        "PRODUCTION": "false",
        "MONTAGE_SITE_URL": site,
    }
    assert _make_run_environment("DEBUG=true") == {
        "DEBUG": "true",
        "PRODUCTION": "false",
        "MONTAGE_SITE_URL": site,
    }


def test_make_run_on_another_port_links_its_mail_to_that_port():
    """Links in the mail `make run PORT=8123` sends name port 8123, so they open."""
    assert _make_run_environment("PORT=8123")["MONTAGE_SITE_URL"] == "http://127.0.0.1:8123"


def test_make_run_answers_the_sites_own_404_and_500_pages(tmp_path, database_templates):
    """Under `make run`, a reader who hits a missing page or a fault sees the site's pages."""
    migrated = database_templates.migrated(sqlite=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        _make_run_environment(),
        DJANGO_SETTINGS_MODULE="montage.settings",
        LOG_LEVEL="CRITICAL",
    )
    # `make run` migrates first: the probe's database is a copy of one migrated already.
    with throwaway_database_url(tmp_path, prefix="montage_make_run", template=migrated) as url:
        probe = subprocess.run(
            [sys.executable, "-c", _MAKE_RUN_PROBE],
            cwd=ROOT,
            env=env | {"DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    statuses, pages = probe.stdout.split("\n", 1)
    missing, failing = pages.split("SPLIT")
    assert statuses.split() == ["404", "500", "200"]
    assert "<h1>Page not found</h1>" in missing
    assert "the archive" in missing
    assert "<h1>Something went wrong</h1>" in failing
    for page in (missing, failing):
        assert "Traceback" not in page
        assert "DEBUG = True" not in page


def test_production_cannot_show_debug_pages(monkeypatch):
    """PRODUCTION=true with DEBUG=true stops startup instead of showing visitors tracebacks."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("PRODUCTION", "true")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "montage.example")
    probe = subprocess.run(
        [sys.executable, "-c", "import montage.settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0
    assert "PRODUCTION=true needs DEBUG=false" in probe.stderr


def test_the_public_development_key_never_serves_another_host(monkeypatch):
    """Outside production, naming a public host without a key of one's own stops startup."""
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("PRODUCTION", "false")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ALLOWED_HOSTS", "blog.example.com")
    probe = subprocess.run(
        [sys.executable, "-c", "import montage.settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0
    assert "ALLOWED_HOSTS names a host other than this machine" in probe.stderr


def _media_storage(monkeypatch, **variables):
    for name in [
        "MEDIA_STORAGE",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_CUSTOM_DOMAIN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return _media_storage_from_env()


def test_media_are_local_unless_a_bucket_is_named(monkeypatch):
    """Nothing set: MEDIA_ROOT, served by the site itself; a bucket name alone means S3."""
    storage, origin = _media_storage(monkeypatch)
    assert (storage["BACKEND"], origin) == ("django.core.files.storage.FileSystemStorage", "")
    storage, _origin = _media_storage(monkeypatch, AWS_STORAGE_BUCKET_NAME="montage-media")
    assert storage["BACKEND"] == "montage.storage.MediaS3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "montage-media"


def test_the_storage_is_named_in_any_case(monkeypatch):
    storage, _origin = _media_storage(monkeypatch, MEDIA_STORAGE="Local")
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_an_s3_url_names_the_bucket_and_the_folder_in_it(monkeypatch):
    storage, _origin = _media_storage(monkeypatch, MEDIA_STORAGE="s3://montage-media/blog/")
    assert storage["OPTIONS"]["bucket_name"] == "montage-media"
    assert storage["OPTIONS"]["location"] == "blog"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local, s3 or an s3://bucket URL"),
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs a bucket: set AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "s3://"}, "MEDIA_STORAGE=s3 needs a bucket"),
        ({"AWS_STORAGE_BUCKET_NAME": "My_Bucket"}, "AWS_STORAGE_BUCKET_NAME 'My_Bucket' is not"),
        (
            {"MEDIA_STORAGE": "s3://one", "AWS_STORAGE_BUCKET_NAME": "two"},
            "MEDIA_STORAGE names the bucket 'one' and AWS_STORAGE_BUCKET_NAME names 'two'",
        ),
        (
            {"MEDIA_STORAGE": "s3://bucket", "AWS_S3_ENDPOINT_URL": "s3.example.com"},
            "AWS_S3_ENDPOINT_URL must be an address such as https://s3.example.com",
        ),
        (
            {"MEDIA_STORAGE": "s3://bucket", "AWS_S3_CUSTOM_DOMAIN": "https://media.example"},
            "AWS_S3_CUSTOM_DOMAIN is a host name",
        ),
        (
            {"MEDIA_STORAGE": "s3://bucket", "AWS_ACCESS_KEY_ID": "AKIA"},
            "AWS_SECRET_ACCESS_KEY is missing",
        ),
    ],
)
def test_a_wrong_storage_setting_stops_startup_naming_the_variable(monkeypatch, variables, named):
    """One sentence, naming what to fix, before the first upload could fail."""
    with pytest.raises(ImproperlyConfigured, match=re.escape(named)):
        _media_storage(monkeypatch, **variables)


@pytest.mark.parametrize(
    ("variables", "origin"),
    [
        ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "http://127.0.0.1:9000"),
        (
            {"AWS_S3_ENDPOINT_URL": "https://fra1.digitaloceanspaces.com/"},
            "https://fra1.digitaloceanspaces.com",
        ),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.com"}, "https://media.example.com"),
        ({"AWS_S3_REGION_NAME": "eu-west-3"}, "https://montage-media.s3.amazonaws.com"),
        ({}, "https://montage-media.s3.amazonaws.com"),
    ],
)
def test_the_media_origin_is_where_the_storage_links_uploads(monkeypatch, variables, origin):
    """MONTAGE_MEDIA_ORIGIN (the CSP's img-src) is the scheme and host of the storage's URLs."""
    storage, found = _media_storage(
        monkeypatch,
        MEDIA_STORAGE="s3://montage-media",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        **variables,
    )
    url = MediaS3Storage(**storage["OPTIONS"]).url("posters/2026/still.jpg")
    assert found == origin
    assert url.startswith(f"{origin}/") and "?" not in url


def test_a_dotted_bucket_name_is_linked_by_path_on_aws(monkeypatch):
    storage, origin = _media_storage(monkeypatch, MEDIA_STORAGE="s3://media.example.com")
    url = MediaS3Storage(**storage["OPTIONS"]).url("still.jpg")
    assert origin == "https://s3.amazonaws.com"
    assert url == "https://s3.amazonaws.com/media.example.com/still.jpg"
