"""The name readers see for the site's author, never a login name.

Montage has one author (DESIGN.md): the byline of every post and every reply marked as
the author's carry the public name from the site settings. Until the author sets it,
readers see the person's full name, else the site's title. ``public_name`` is also the
comments app's ``COMMENTS_AUTHOR_NAME`` hook.
"""

from site_settings.conf import site_settings


def public_name(user) -> str:
    config = site_settings()
    return config.author_name or user.get_full_name() or config.title
