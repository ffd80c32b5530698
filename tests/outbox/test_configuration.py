"""The queue and the delivery backend are configuration; a bad value stops startup, saying why."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from montage.settings import _tasks_from_url
from outbox.system_checks import outbox_configuration

ROOT = Path(__file__).resolve().parents[2]


def test_with_no_tasks_url_the_queue_is_the_database():
    """The embedded default needs no server: django-tasks-db's queue, worked by db_worker."""
    backend, rq_queues = _tasks_from_url("")
    assert backend == {"BACKEND": "django_tasks_db.DatabaseBackend"}
    assert rq_queues == {}


def test_a_redis_tasks_url_puts_the_queue_on_redis():
    backend, rq_queues = _tasks_from_url("redis://127.0.0.1:6379/3")
    assert backend == {"BACKEND": "django_tasks_rq.RQBackend"}
    assert rq_queues == {"default": {"URL": "redis://127.0.0.1:6379/3"}}


def test_rabbitmq_is_refused_with_what_to_use_instead():
    """django-tasks-rq speaks Redis only: an amqp:// URL says so rather than failing later."""
    with pytest.raises(ImproperlyConfigured, match=r"RabbitMQ.*redis://"):
        _tasks_from_url("amqp://guest@127.0.0.1:5672//")
    with pytest.raises(ImproperlyConfigured, match="TASKS_URL must start with"):
        _tasks_from_url("sqs://queue")


def _settings_in_a_fresh_process(**environment):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-c", "import montage.settings as s; print(s.TASKS, s.INSTALLED_APPS)"],
        cwd=ROOT,
        env=env | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_broker_is_chosen_at_startup_from_the_environment():
    """TASKS_URL=redis://... also installs django_rq, whose rqworker runs the tasks."""
    result = _settings_in_a_fresh_process(TASKS_URL="redis://127.0.0.1:6379/7")
    assert result.returncode == 0, result.stderr
    assert "django_tasks_rq.RQBackend" in result.stdout and "'django_rq'" in result.stdout


def test_a_bad_tasks_url_stops_startup_with_a_sentence():
    result = _settings_in_a_fresh_process(TASKS_URL="amqp://127.0.0.1:5672")
    assert result.returncode != 0
    assert "TASKS_URL names RabbitMQ" in result.stderr


def test_the_queue_cannot_be_its_own_delivery_backend():
    """EMAIL_BACKEND in the environment names what delivers; naming the queue is refused."""
    result = _settings_in_a_fresh_process(EMAIL_BACKEND="outbox.backends.QueuedEmailBackend")
    assert result.returncode != 0
    assert "it cannot be the queue itself" in result.stderr


def test_a_missing_delivery_backend_is_reported_by_the_system_check(settings):
    del settings.OUTBOX_DELIVERY_BACKEND
    [error] = outbox_configuration()
    assert error.id == "outbox.E001" and "Set OUTBOX_DELIVERY_BACKEND" in error.msg


def test_a_delivery_backend_that_does_not_exist_is_reported_by_the_system_check(settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smpt.EmailBackend"
    [error] = outbox_configuration()
    assert error.id == "outbox.E002" and "cannot be imported" in error.msg


def test_the_default_configuration_passes_the_check():
    assert outbox_configuration() == []
