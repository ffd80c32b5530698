from django.db import transaction

from comments.services import comment_author_rename
from site_settings.models import SiteSettings


def site_settings_save(*, row: SiteSettings) -> None:
    """Save the author's settings, and sign every earlier reply of theirs with the name.

    The replies store the name they were signed with, so the comments app renames
    those that differ, in the same transaction: a page never shows the new byline over
    old replies. Replies already signed with it are left as they are.
    """
    row.full_clean()
    with transaction.atomic():
        row.save()
        comment_author_rename(name=row.author_name)
