"""A database of the suite's own kind for the servers a test starts in other processes:
a SQLite file in the test's folder, or on PostgreSQL a database of its own, created for
the test and dropped after it (the suite's test database belongs to pytest-django)."""

import contextlib
import uuid
from urllib.parse import quote

import psycopg
from django.conf import settings


@contextlib.contextmanager
def throwaway_database_url(folder, *, prefix):
    """The DATABASE_URL of a new, empty database, gone again when the block ends."""
    suite_database = settings.DATABASES["default"]
    if suite_database["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{folder / 'db.sqlite3'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = {key: suite_database[key.upper()] for key in ("host", "port", "user", "password")}
    server = {key: value for key, value in server.items() if value} | {"dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = quote(suite_database["USER"], safe="")
        if suite_database["PASSWORD"]:
            user += f":{quote(suite_database['PASSWORD'], safe='')}"
        host = suite_database["HOST"] or "127.0.0.1"
        yield f"postgres://{user}@{host}:{suite_database['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
