"""Re-sign the author's earlier replies that carry their login name.

Before the public name, a reply from the admin was signed with the full name or, when
the account had none, the login ("admin"). Such replies get the name readers see now:
the starting public name, else the full name, else the site's title, as
``site_settings.authors.public_name`` gives it. ``updated_at`` moves, so cached
threads are rebuilt.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F
from django.utils import timezone


def sign_with_the_public_name(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    signed_with_login = Comment.objects.filter(is_author=True, name=F("user__username"))
    for comment in signed_with_login.select_related("user"):
        user = comment.user
        full_name = f"{user.first_name} {user.last_name}".strip()
        comment.name = (
            getattr(settings, "MONTAGE_AUTHOR_NAME", "")
            or full_name
            or settings.MONTAGE_SITE_TITLE
        )
        comment.updated_at = timezone.now()
        comment.save(update_fields=["name", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("site_settings", "0001_site_settings"),
        ("comments", "0007_comment_moderation_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(sign_with_the_public_name, migrations.RunPython.noop)]
