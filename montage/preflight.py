"""What a server needs before its first request, checked once, as it starts.

A missing or wrong setting, a storage that cannot be set up or reached, a database that does not
answer or lacks migrations, static files never collected: each stops the start with one
sentence saying what to fix, instead of a traceback at some reader's first request.
deploy/gunicorn.conf.py runs it as gunicorn starts, before it listens; deploy/serve.sh
runs ``python -m montage.preflight --before-set-up`` first, which leaves out the
migrations and static files it is about to make. A setting's own check belongs in
montage/settings.py, raising ImproperlyConfigured with the setting's name: it shows here
as it is.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import django
import redis
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def preflight(*, set_up=True):
    """Raise ImproperlyConfigured with one sentence for the first thing that would fail.

    ``set_up=False`` leaves out what ``migrate`` and ``collectstatic`` are about to make.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")
    django.setup()
    try:
        _system_checks_pass()
        _storages_open()
        if set_up:
            _static_files_collected()
        _database_answers(connections["default"])
        _cache_answers(settings.CACHES["default"])
        if set_up:
            _migrations_applied(connections["default"])
    finally:
        # A server forks its workers after this: none may inherit this connection.
        connections.close_all()


def _system_checks_pass():
    errors = [message for message in checks.run_checks() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(" ".join(error.msg for error in errors))


def _storages_open():
    """Each storage made now: a wrong backend or option fails here, not at an upload."""
    for alias in settings.STORAGES:
        storages[alias]
    _media_storage_answers(storages["default"])


def _media_storage_answers(storage):
    """The uploads' folder can be written, or their bucket answers to these keys."""
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ImproperlyConfigured(
                f"MEDIA_ROOT ({root}) cannot be made: {error.strerror}."
            ) from None
        if not os.access(root, os.W_OK | os.X_OK):
            raise ImproperlyConfigured(
                f"MEDIA_ROOT ({root}) cannot be written by this user: uploads would fail."
            )
        return
    bucket_answers = getattr(storage, "bucket_answers", None)
    if bucket_answers is None:
        return
    try:
        bucket_answers()
    except OSError as error:
        where = f" at {storage.endpoint_url}" if storage.endpoint_url else ""
        raise ImproperlyConfigured(
            f"The bucket MEDIA_STORAGE names cannot be used{where} ({error}); check "
            "AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the access keys."
        ) from None


def _static_files_collected():
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.read_manifest():
        # Else every page fails: {% static %} finds no hashed name for its files.
        raise ImproperlyConfigured(
            f"STATIC_ROOT ({settings.STATIC_ROOT}) holds no collected static files: "
            "run `manage.py collectstatic` before serving."
        )


def _database_answers(connection):
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ImproperlyConfigured(
            f"The database DATABASE_URL names ({_database_address(connection)}) "
            f"does not answer: {detail}"
        ) from None


def _cache_answers(config):
    """A Redis cache that does not answer at start is a wrong CACHE_URL more often than
    an outage: said now. Once serving, an outage only costs cache misses (montage.cache)."""
    if "redis" not in config["BACKEND"].lower():
        return
    address = urlsplit(config["LOCATION"])
    where = f"{address.hostname}:{address.port or 6379}"
    try:
        redis.Redis.from_url(config["LOCATION"], socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        raise ImproperlyConfigured(
            f"The Redis cache CACHE_URL names ({where}) does not answer: {error}"
        ) from None


def _database_address(connection):
    """Where the database is, without the password DATABASE_URL may hold."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {config['NAME']}"
    host = config["HOST"] or "localhost"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"{connection.display_name} at {host}{port}, database {config['NAME']}"


def _migrations_applied(connection):
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise ImproperlyConfigured(
            f"The database DATABASE_URL names has {len(plan)} migrations to apply: run "
            "`manage.py migrate` before serving."
        )


if __name__ == "__main__":
    try:
        preflight(set_up="--before-set-up" not in sys.argv[1:])
    except ImproperlyConfigured as error:
        sys.exit(f"Montage cannot start: {error}")
