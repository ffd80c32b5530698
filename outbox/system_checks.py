from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from outbox.services import delivery_backend


def outbox_configuration(app_configs=None, **kwargs):
    """Queued mail needs a backend to deliver it: say so at startup, not at the first send."""
    try:
        import_string(delivery_backend())
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="outbox.E001")]
    except ImportError as error:
        return [
            checks.Error(
                f"OUTBOX_DELIVERY_BACKEND cannot be imported: {error}",
                hint="Set EMAIL_BACKEND in the environment to an installed email backend.",
                id="outbox.E002",
            )
        ]
    return []
