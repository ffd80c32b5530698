"""Mail through the real broker: RQ on Redis, worked by an in-process burst worker.

Skipped with a reason when Redis is not running here; MONTAGE_REQUIRE_BROKER=1 (CI's
PostgreSQL and Redis run) turns that skip into a failure.
"""

import datetime
import os

import pytest
import redis
from django.core import mail
from django.core.mail import send_mail
from django.utils import timezone

from outbox.models import OutgoingMail

pytestmark = pytest.mark.django_db

# This suite's own Redis database, apart from the cache's (CI uses 1).
BROKER_URL = os.environ.get("MONTAGE_TEST_BROKER_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def broker(settings, queued_mail):
    connection = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        if os.environ.get("MONTAGE_REQUIRE_BROKER") == "1":
            pytest.fail(f"MONTAGE_REQUIRE_BROKER=1 but Redis at {BROKER_URL} is down: {error}")
        pytest.skip(f"Redis is not running at {BROKER_URL}")
    connection.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": BROKER_URL}}
    yield connection
    connection.flushdb()


def burst_worker():
    """A worker that runs what is due in this process (this test's transaction), then stops."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    return django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)


def test_mail_is_queued_on_redis_and_delivered_by_the_worker(
    broker, django_capture_on_commit_callbacks
):
    """After commit the mail waits on Redis (nothing sent); a burst worker delivers it."""
    import django_rq

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("On Redis", "Through the broker.", None, ["reader@example.com"])
    assert mail.outbox == []
    assert django_rq.get_queue("default").count == 1
    assert b"reader@example.com" not in b"".join(
        broker.dump(key) or b"" for key in broker.keys("*")
    )

    assert burst_worker().work(burst=True) is True
    [message] = mail.outbox
    assert message.subject == "On Redis"
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_a_failed_try_is_scheduled_on_redis_for_after_its_back_off(
    broker, flaky_server, django_capture_on_commit_callbacks
):
    """The retry is a scheduled job (run by `rqworker --with-scheduler`) due at the next try."""
    import django_rq
    from rq.registry import ScheduledJobRegistry

    flaky_server(1)
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Retried", "Later.", None, ["reader@example.com"])
    with django_capture_on_commit_callbacks(execute=True):
        burst_worker().work(burst=True)
    queued = OutgoingMail.objects.get()
    assert queued.status == OutgoingMail.Status.QUEUED and queued.attempts == 1
    registry = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    [job_id] = registry.get_job_ids()
    scheduled_at = registry.get_scheduled_time(job_id)
    assert abs(scheduled_at - queued.next_attempt_at) < datetime.timedelta(seconds=1)
    assert queued.next_attempt_at > timezone.now()

    # Once due, the scheduler moves it to the queue; here it is moved by hand.
    registry.remove(job_id)
    django_rq.get_queue("default").enqueue_job(registry.job_class.fetch(job_id, broker))
    burst_worker().work(burst=True)
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT and queued.attempts == 2
