from django.apps import AppConfig
from django.core import checks


class OutboxConfig(AppConfig):
    """Outgoing mail: every message is queued in the database and sent by the task worker."""

    name = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outbox.system_checks import outbox_configuration

        checks.register(outbox_configuration)
