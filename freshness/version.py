"""The content version: what a cached page or part is keyed by, so a change shows at once.

``current()`` is the version of everything readers could see: the ``ContentVersion``
row, which the database moves on every write (``freshness.triggers``), and the next
scheduled moment (``settings.FRESHNESS_SCHEDULE``), which changes when a scheduled post
falls due with no write at all. Read from the database in one small statement, so every
process and every machine agree whatever the cache backend; read once per request.
"""

import contextlib
import contextvars
import uuid
import zlib
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from freshness.models import ContentVersion

# The version read in this request (or ``held()`` block); None outside one.
_memo = contextvars.ContextVar("freshness_memo", default=None)
# The compiled statement per database vendor, and the stand-in its time is written as.
_statements = {}
_STAND_IN = datetime(1999, 12, 31, 23, 59, 59, 123456, tzinfo=UTC)


def current():
    """The content version now: a short string that changes whenever a page could."""
    memo = _memo.get()
    if memo is not None and memo:
        return memo[0]
    value = _read()
    if memo is not None:
        memo.append(value)
    return value


@contextlib.contextmanager
def held():
    """Read the version at most once inside this block, as a request does."""
    token = _memo.set([])
    try:
        yield
    finally:
        _memo.reset(token)


@contextlib.contextmanager
def unshared():
    """A version of this block's own, never read again: for writes that will be rolled
    back (the admin's preview). Read from the database, the version would go back to a
    value the next real write reaches again, and what was cached under it meanwhile,
    unsaved changes included, would be served."""
    token = _memo.set([f"unshared-{uuid.uuid4().hex}"])
    try:
        yield
    finally:
        _memo.reset(token)


def begin_request(**kwargs):
    _memo.set([])


def end_request(**kwargs):
    _memo.set(None)


def _read():
    sql, params, moment_at = _statement()
    params = list(params)
    if moment_at is not None:
        params[moment_at] = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value, next_moment = cursor.fetchone()
    return f"{value}.{zlib.crc32(str(next_moment).encode()):x}"


def _statement():
    """The one SELECT that reads the version, compiled by the ORM once per vendor."""
    if connection.vendor not in _statements:
        version = ContentVersion.objects.filter(pk=ContentVersion.SINGLETON_PK).values("value")
        schedule = import_string(settings.FRESHNESS_SCHEDULE)(_STAND_IN)
        version_sql, version_params = version.query.sql_with_params()
        schedule_sql, schedule_params = schedule.query.sql_with_params()
        stand_in = connection.ops.adapt_datetimefield_value(_STAND_IN)
        params = (*version_params, *schedule_params)
        moment_at = params.index(stand_in) if stand_in in params else None
        _statements[connection.vendor] = (
            f"SELECT ({version_sql}), ({schedule_sql})",
            params,
            moment_at,
        )
    return _statements[connection.vendor]
