from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Moderated, threaded comments for any model; it never imports the apps it serves."""

    name = "comments"
    default_auto_field = "django.db.models.BigAutoField"
