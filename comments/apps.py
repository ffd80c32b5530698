from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Moderated, threaded comments for any model; it never imports the apps it serves."""

    name = "comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from comments.conf import project_settings

        # A COMMENTS_* value that is not allowed stops startup with a sentence saying
        # why, rather than failing on a reader's comment.
        project_settings()
