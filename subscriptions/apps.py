from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Follow by email: new posts and replies to one's comment, double opt-in."""

    name = "subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from subscriptions import signals  # noqa: F401  (publishing, comments' signals)
