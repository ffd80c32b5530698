import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.db.utils import ConnectionHandler

from montage.preflight import (
    _database_answers,
    _media_storage_answers,
    _migrations_applied,
    preflight,
)
from tests.s3 import KEY, SECRET, unused_address

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" + "0123456789abcdefghij" * 3


def _preflight_run(tmp_path, **changes):
    """`python -m montage.preflight` under production settings, with ``changes`` applied
    (None removes a variable); what the operator sees."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "TASKS_URL", "STATIC_ROOT"}
    }
    env.update(
        DEBUG="false",
        PRODUCTION="true",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="blog.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="montage.settings",
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-m", "montage.preflight", "--before-set-up"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", None),
        ("DATABASE_URL", "postgress://x"),
        ("MEDIA_STORAGE", "s3"),
    ],
)
def test_a_wrong_production_setting_stops_the_start_with_one_sentence_naming_it(
    tmp_path, variable, value
):
    """No traceback: one line, naming the variable to fix, and a failing exit status."""
    run = _preflight_run(tmp_path, **{variable: value})
    assert run.returncode == 1
    assert run.stderr.startswith("Montage cannot start:")
    assert variable in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr


def test_a_storage_that_cannot_be_made_stops_the_start(settings):
    """A storage backend that cannot be imported fails at start, not at the first upload."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "no_such_package.Storage"},
    }
    with pytest.raises(ImproperlyConfigured, match="no_such_package"):
        preflight()


def test_static_files_never_collected_stop_the_start_naming_static_root(settings, tmp_path):
    """With hashed static files every page needs the manifest collectstatic writes."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with pytest.raises(ImproperlyConfigured, match=r"STATIC_ROOT .* collectstatic"):
        preflight()


@pytest.fixture
def sqlite_database(tmp_path, django_db_blocker):
    """A database of its own, as DATABASE_URL=sqlite:///<path> would name it."""

    def connect(path):
        databases = ConnectionHandler(
            {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}}
        )
        opened.append(databases)
        return databases["default"]

    opened = []
    with django_db_blocker.unblock():
        yield connect
        for databases in opened:
            databases.close_all()


def test_a_database_that_does_not_answer_stops_the_start_naming_database_url(
    sqlite_database, tmp_path
):
    """A SQLite file in a folder that is not there cannot be opened: said at start."""
    connection = sqlite_database(tmp_path / "no-such-folder" / "db.sqlite3")
    with pytest.raises(ImproperlyConfigured) as refused:
        _database_answers(connection)
    assert str(refused.value) == (
        f"The database DATABASE_URL names (SQLite file {tmp_path}/no-such-folder/db.sqlite3) "
        "does not answer: unable to open database file"
    )


def test_a_database_with_migrations_to_apply_stops_the_start(sqlite_database, tmp_path):
    """Serving before `migrate` would fail at the first page that reads a new column."""
    connection = sqlite_database(tmp_path / "new.sqlite3")
    with pytest.raises(ImproperlyConfigured, match=r"migrations to apply: run `manage.py"):
        _migrations_applied(connection)


def _bucket_run(tmp_path, *, endpoint, bucket):
    return _preflight_run(
        tmp_path,
        MEDIA_STORAGE=f"s3://{bucket}",
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=KEY,
        AWS_SECRET_ACCESS_KEY=SECRET,
    )


def test_a_bucket_that_does_not_answer_stops_the_start_in_one_sentence(tmp_path):
    """An S3 endpoint with nothing listening is named at start, not at the first upload."""
    endpoint = unused_address()
    run = _bucket_run(tmp_path, endpoint=endpoint, bucket="montage-media")
    assert run.returncode == 1
    assert run.stderr.startswith(
        f"Montage cannot start: The bucket MEDIA_STORAGE names cannot be used at {endpoint} "
        "(bucket montage-media: Could not connect to the endpoint URL"
    )
    assert run.stderr.count("\n") == 1, run.stderr


def test_a_bucket_that_is_not_there_stops_the_start(tmp_path, s3_server):
    """The server answers, but has no such bucket: said at start, in one sentence."""
    run = _bucket_run(tmp_path, endpoint=s3_server.url, bucket="montage-never-made")
    assert run.returncode == 1
    assert "MEDIA_STORAGE names cannot be used" in run.stderr
    assert "HeadBucket operation: Not Found" in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr


def test_a_bucket_that_answers_lets_the_start_go_on(settings, s3_bucket):
    _media_storage_answers(storages["default"])


def test_a_media_root_that_cannot_be_made_stops_the_start(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(
        ImproperlyConfigured, match=r"^MEDIA_ROOT \(.*a-file/media\) cannot be made"
    ):
        _media_storage_answers(FileSystemStorage(location=tmp_path / "a-file" / "media"))


def test_a_redis_cache_that_does_not_answer_stops_the_start_naming_cache_url(tmp_path):
    """A Redis nobody listens for (a wrong port, say): one sentence, before any request."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    run = _preflight_run(tmp_path, CACHE_URL=f"redis://:secret@127.0.0.1:{closed_port}/1")
    assert run.returncode != 0
    said = run.stderr.strip()
    assert said.startswith(
        f"Montage cannot start: The Redis cache CACHE_URL names (127.0.0.1:{closed_port}) "
        "does not answer:"
    ), said
    assert "secret" not in said
    assert len(said.splitlines()) == 1
