from django.apps import AppConfig
from django.core import checks


class CommentsConfig(AppConfig):
    """Moderated, threaded comments for any model; it never imports the apps it serves."""

    name = "comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from comments.system_checks import comments_configuration

        checks.register(comments_configuration)
