"""Database triggers that move the content version on every write readers could see.

Every table of every installed model has them, except the models named in
``settings.FRESHNESS_UNSEEN_MODELS`` (an app label, or an app label and model name):
a model added later is watched until someone says readers never see it, so forgetting
costs a cache entry, never a stale page.

- SQLite: a row trigger after each insert, update and delete (SQLite has no statement
  triggers); its writes are serialised anyway, so the extra row write is cheap.
- PostgreSQL: one statement trigger per table, after insert, update, delete and
  truncate, so a bulk write moves the version once.

Both upsert the one ``ContentVersion`` row with a new random value, never a count: a
write rolled back (an admin preview, a failed save, a test) leaves a version that no
later write reaches again, so nothing cached under it is ever found; nor does a flushed
or recreated database come back through versions a shared cache still holds.
"""

import secrets

from django.apps import apps
from django.conf import settings
from django.db import connections

from freshness.models import ContentVersion

TRIGGER_PREFIX = "freshness_bump"
POSTGRES_FUNCTION = "freshness_bump"
# Versions are drawn below 2**62: SQLite's abs() overflows on the least 64-bit integer.
VERSION_SPACE = 2**62


def watched_tables():
    """The tables whose writes move the version, sorted."""
    unseen = {label.lower() for label in settings.FRESHNESS_UNSEEN_MODELS}
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy:
            continue
        if opts.app_label in unseen or opts.label_lower in unseen:
            continue
        tables.add(opts.db_table)
    tables.discard(ContentVersion._meta.db_table)
    return sorted(tables)


def install(using="default", **kwargs):
    """Give every watched table its triggers on ``using``, and no other table any."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if ContentVersion._meta.db_table not in existing:
        return  # Before freshness's own migration: a later post_migrate comes back.
    wanted = [table for table in watched_tables() if table in existing]
    installer = _INSTALLERS.get(connection.vendor)
    if installer is None:
        raise NotImplementedError(f"freshness has no triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        installer(cursor, connection, wanted)
    ContentVersion.objects.using(using).get_or_create(
        pk=ContentVersion.SINGLETON_PK, defaults={"value": secrets.randbelow(VERSION_SPACE)}
    )


def _version_table(connection):
    return connection.ops.quote_name(ContentVersion._meta.db_table)


def _sqlite(cursor, connection, wanted):
    quote = connection.ops.quote_name
    drawn = f"abs(random() % {VERSION_SPACE})"
    upsert = (
        f"INSERT INTO {_version_table(connection)} (id, value) "
        f"VALUES ({ContentVersion.SINGLETON_PK}, {drawn}) "
        f"ON CONFLICT (id) DO UPDATE SET value = {drawn};"
    )
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
        [f"{TRIGGER_PREFIX}%"],
    )
    present = dict(cursor.fetchall())
    expected = {}
    for table in wanted:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER_PREFIX}_{event.lower()}_{table}"
            expected[name] = (
                f"CREATE TRIGGER {quote(name)} AFTER {event} ON {quote(table)} "
                f"FOR EACH ROW BEGIN {upsert} END"
            )
    # A trigger whose text differs is an older release's: it is made again.
    for name in present.keys() - expected.keys() | {
        name for name in present.keys() & expected.keys() if present[name] != expected[name]
    }:
        cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        present.pop(name)
    for name in expected.keys() - present.keys():
        cursor.execute(expected[name])


def _postgresql(cursor, connection, wanted):
    quote = connection.ops.quote_name
    version = _version_table(connection)
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger AS $$ BEGIN "
        f"INSERT INTO {version} (id, value) "
        f"VALUES ({ContentVersion.SINGLETON_PK}, floor(random() * {VERSION_SPACE})::bigint) "
        f"ON CONFLICT (id) DO UPDATE SET value = floor(random() * {VERSION_SPACE})::bigint; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s AND c.relnamespace = current_schema()::regnamespace",
        [TRIGGER_PREFIX],
    )
    present = {table for (table,) in cursor.fetchall()}
    for table in present - set(wanted):
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX} ON {quote(table)}")
    for table in set(wanted) - present:
        cursor.execute(
            f"CREATE TRIGGER {TRIGGER_PREFIX} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
        )


_INSTALLERS = {"sqlite": _sqlite, "postgresql": _postgresql}
