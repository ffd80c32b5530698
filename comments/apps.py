from django.apps import AppConfig
from django.core import checks


class CommentsConfig(AppConfig):
    """Moderated, threaded comments for any model; it never imports the apps it serves."""

    name = "comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from comments.conf import project_settings
        from comments.system_checks import comments_configuration

        # A COMMENTS_* value that is not allowed stops startup with a sentence saying
        # why, rather than failing on a reader's comment; the rest of the set-up (targets,
        # checks) is reported by ``manage.py check``.
        project_settings()
        checks.register(comments_configuration)
