import os
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_rq.queues import DjangoRQ
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rq.timeouts import TimerDeathPenalty

from page_cache.middleware import forget_recent_pages
from tests.factories import UserFactory

# The S3 server and bucket fixtures (s3_server, s3_bucket), for the storage tests; the
# migrated databases the tests' own servers start from (database_templates).
pytest_plugins = ["tests.s3", "tests.throwaway_database"]

# How fast Hypothesis draws examples depends on the machine's load (two pytest workers,
# CI's other jobs), not on Montage: timing health checks and deadlines would make the
# property tests fail at random.
hypothesis_settings.register_profile(
    "montage", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("montage")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords with MD5: PBKDF2's deliberate slowness cost minutes a run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    """Exports uploaded in the admin's Import from WordPress go to a throwaway folder."""
    settings.MONTAGE_IMPORTS_ROOT = tmp_path / "imports"


class InProcessRedisQueue(DjangoRQ):
    """RQ run synchronously from any thread (the browser tests' live server has its own):
    RQ's default time limit uses SIGALRM, which only the main thread may set."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs, death_penalty_class=TimerDeathPenalty)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Queued tasks run as they are enqueued, so a test sees their effect (their mail in
    ``mail.outbox``) without a worker; tests of the queue itself choose another backend.

    With TASKS_URL=redis://... (CI's PostgreSQL and Redis run) every task still runs at
    once, but through Redis: RQ stores the job, runs it in this process, stores its result.
    """
    if settings.RQ_QUEUES:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.RQ_QUEUES = {
            name: config | {"ASYNC": False, "QUEUE_CLASS": InProcessRedisQueue}
            for name, config in settings.RQ_QUEUES.items()
        }
    else:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }


# Mail in tests: pytest-django replaces EMAIL_BACKEND with locmem for every test, and we
# keep it so: a test of what a mail says reads it from ``mail.outbox`` the moment it is
# sent, whether or not its sender runs inside a transaction that a test never commits.
# The outbox (montage's real EMAIL_BACKEND, which queues each message and has the task
# worker deliver it) is tested on its own in tests/outbox/, through the ``queued_mail``
# fixture there, with locmem as the backend it delivers through.


@pytest.fixture(autouse=True)
def _own_redis_database_per_worker(settings):
    """Under pytest-xdist each worker clears the cache between tests; on Redis a clear
    empties the whole database, so the second worker gets a database of its own."""
    location = settings.CACHES["default"].get("LOCATION", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if not location.startswith(("redis://", "rediss://")) or worker == "gw0":
        return
    url = urlsplit(location)
    database = int(url.path.strip("/") or 0) + 8 * int(worker.removeprefix("gw"))
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": url._replace(path=f"/{database}").geturl(),
        }
    }


@pytest.fixture(autouse=True)
def _empty_cache(_own_redis_database_per_worker):
    """Each test starts with an empty cache: rows from one test never leak into another,
    nor pages a process keeps in front of it."""
    cache.clear()
    forget_recent_pages()
    yield
    cache.clear()
    forget_recent_pages()


@pytest.fixture
def author(client):
    """The site's author, logged in to the admin."""
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks, monkeypatch):
    """Run ``db_worker`` until the queue has nothing due, as a deployed worker would.

    A deployed worker commits as it goes; here the test's transaction never commits, so
    what the tasks queue on commit (a retry) is run as the worker's commit would. And
    the worker's check for stale connections would close this test's own (on
    PostgreSQL), so that check is left out.
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def without_page_cache(settings):
    """Pages rendered on every request (the fragment caches still on): for tests of
    what the page cache would hide, or that change code between requests as only a
    deploy does (a deploy is a new release: page_cache.release)."""
    settings.PAGE_CACHE_SECONDS = 0
