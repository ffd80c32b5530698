"""The name the site's author signs comments with: the host site decides it.

``COMMENTS_AUTHOR_NAME`` names a callable that takes a user and returns the name
readers see on that user's replies as the author, e.g. ``"myapp.people.public_name"``.
Without it, the user's full name is used, else "Author": never the login name, which
is for logging in, not for readers. When the name changes, the host calls
``comments.services.comment_author_rename`` so earlier replies follow.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


def author_name(user) -> str:
    path = getattr(settings, "COMMENTS_AUTHOR_NAME", "")
    if not path:
        return user.get_full_name() or _("Author")
    try:
        public_name = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"COMMENTS_AUTHOR_NAME names {path!r}, which cannot be imported: {error}"
        ) from None
    return public_name(user)
