"""A database of the suite's own kind for the servers a test starts in other processes:
a SQLite file in the test's folder, or on PostgreSQL a database of its own, created for
the test and dropped after it (the suite's test database belongs to pytest-django).

Migrating a new database takes seconds, and loading the demo a few more, in every test
that did it. So each is done once a session, in a template (``database_templates``),
and a test's database starts as a copy of one: a file copy on SQLite, ``CREATE DATABASE
... TEMPLATE`` on PostgreSQL (PostgreSQL docs, "Template Databases"), both a small part
of a second.
"""

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

# Run in a process of its own, with the servers' settings: "migrate" migrates the new
# database, "demo" loads the demo into a migrated one (its posters written to MEDIA_ROOT).
_BUILD = """
import io, sys
import django
django.setup()
from django.core.management import call_command
if sys.argv[1] == "migrate":
    call_command("migrate", verbosity=0)
else:
    call_command("load_demo", stdout=io.StringIO())
"""


@dataclass(frozen=True)
class Template:
    """A database built once for the session, and the uploads its rows name."""

    url: str
    media: Path

    def media_copy(self, to):
        """The template's uploads copied to ``to``, a test's MEDIA_ROOT."""
        shutil.copytree(self.media, to, dirs_exist_ok=True)
        return to


def _is_sqlite(url):
    return url.startswith("sqlite:")


def _suite_is_sqlite():
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _postgres_server():
    """How to reach the suite's PostgreSQL server, as psycopg takes it."""
    suite_database = settings.DATABASES["default"]
    server = {key: suite_database[key.upper()] for key in ("host", "port", "user", "password")}
    return {key: value for key, value in server.items() if value} | {"dbname": "postgres"}


def _postgres_url(name):
    suite_database = settings.DATABASES["default"]
    user = quote(suite_database["USER"], safe="")
    if suite_database["PASSWORD"]:
        user += f":{quote(suite_database['PASSWORD'], safe='')}"
    host = suite_database["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{suite_database['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def throwaway_database_url(folder, *, prefix, template=None):
    """The DATABASE_URL of a new database, gone again when the block ends: empty and of
    the suite's kind, or a copy of ``template`` (of the template's kind)."""
    if _is_sqlite(template.url) if template else _suite_is_sqlite():
        path = folder / "db.sqlite3"
        if template:
            # SQLite's backup copies what is committed, whatever is still in the WAL.
            with (
                contextlib.closing(sqlite3.connect(urlsplit(template.url).path)) as source,
                contextlib.closing(sqlite3.connect(path)) as copy,
            ):
                source.backup(copy)
        yield f"sqlite:///{path}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{urlsplit(template.url).path.strip("/")}"' if template else ""
    with psycopg.connect(**_postgres_server(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copied}')
    try:
        yield _postgres_url(name)
    finally:
        with psycopg.connect(**_postgres_server(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build_environment(database_url, media):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "COMMENTS_", "MONTAGE_", "GUNICORN_"))
        and key not in {"CACHE_URL", "TASKS_URL", "MEDIA_STORAGE", "STATIC_ROOT"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "montage.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "false",
        "PRODUCTION": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


class DatabaseTemplates:
    """Templates built when first asked for, kept until the session ends: migrated, or
    migrated with the demo; of the suite's kind, or SQLite for the tests that are about
    SQLite whatever the suite runs on."""

    def __init__(self, folder, cleanup):
        self.folder = folder
        self.cleanup = cleanup
        self.built = {}

    def migrated(self, *, sqlite=False):
        return self._get(demo=False, sqlite=sqlite)

    def demo(self, *, sqlite=False):
        return self._get(demo=True, sqlite=sqlite)

    def _get(self, *, demo, sqlite):
        sqlite = sqlite or _suite_is_sqlite()
        key = (demo, sqlite)
        if key not in self.built:
            self.built[key] = self._build(demo=demo, sqlite=sqlite)
        return self.built[key]

    def _build(self, *, demo, sqlite):
        folder = self.folder / f"{'demo' if demo else 'migrated'}-{'sqlite' if sqlite else 'pg'}"
        folder.mkdir()
        media = folder / "media"
        media.mkdir()
        # The demo's is a copy of the migrated one, with the demo loaded.
        base = self._get(demo=False, sqlite=sqlite) if demo else None
        if sqlite and not base:
            url = f"sqlite:///{folder / 'db.sqlite3'}"
        else:
            url = self.cleanup.enter_context(
                throwaway_database_url(folder, prefix="montage_template", template=base)
            )
        run = subprocess.run(
            [sys.executable, "-c", _BUILD, "demo" if demo else "migrate"],
            cwd=ROOT, env=_build_environment(url, media),
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        return Template(url=url, media=media)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """Migrated databases to copy, each built once a session (on PostgreSQL, dropped
    when it ends)."""
    with contextlib.ExitStack() as cleanup:
        yield DatabaseTemplates(tmp_path_factory.mktemp("database-templates"), cleanup)
