from smtplib import SMTPDataError

import pytest
from django.core.mail.backends.locmem import EmailBackend

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FlakyBackend(EmailBackend):
    """Delivers to ``mail.outbox`` once its first ``failures_left`` sends were refused."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


@pytest.fixture
def queued_mail(settings):
    """Montage's own mail set-up: every message is queued, then delivered to ``mail.outbox``."""
    settings.EMAIL_BACKEND = "outbox.backends.QueuedEmailBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def database_queue(settings, queued_mail):
    """The embedded queue: tasks wait in the database until ``db_worker`` runs them."""
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def flaky_server(settings, monkeypatch):
    """A mail server that refuses the first N connections: ``flaky_server(N)``."""
    settings.OUTBOX_DELIVERY_BACKEND = "tests.outbox.conftest.FlakyBackend"

    def refuse(times):
        monkeypatch.setattr(FlakyBackend, "failures_left", times)

    return refuse


class RejectingBackend(EmailBackend):
    """A mail server that answers 554 (RFC 5321: transaction failed): retrying will not help."""

    def send_messages(self, messages):
        raise SMTPDataError(554, b"5.7.1 Message rejected")
