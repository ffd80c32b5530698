"""The rendered thread of approved comments is cached per target and page.

Every change to a target's comments moves its version on, after the transaction
commits, so a cached thread is never served once it is out of date.
"""

import time

from django.core.cache import cache
from django.db import transaction


def _version_key(content_type_id, object_id):
    return f"comments:thread:{content_type_id}:{object_id}:version"


def thread_version(content_type_id, object_id):
    return cache.get_or_set(_version_key(content_type_id, object_id), time.time_ns, None)


def thread_changed(content_type_id, object_id):
    """Mark the target's cached threads stale now, and again once the transaction commits.

    The second mark drops anything a concurrent reader cached from the database as it
    was before the commit.
    """
    key = _version_key(content_type_id, object_id)
    cache.set(key, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(key, time.time_ns(), None))


def thread_cache_key(content_type_id, object_id, *parts):
    version = thread_version(content_type_id, object_id)
    suffix = ":".join(str(part) for part in parts)
    return f"comments:thread:{content_type_id}:{object_id}:{version}:{suffix}"
