"""What the admin asks of the author until the site is set up: shown on its home page."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.conf import discussion_settings
from site_settings.authors import public_name
from site_settings.conf import site_settings
from site_settings.models import SiteSettings


@dataclass(frozen=True)
class Notice:
    text: str
    link_text: str
    url: str


def _settings_url(field):
    url = reverse("admin:site_settings_sitesettings_change", args=[SiteSettings.SINGLETON_PK])
    return f"{url}#id_{field}"


def author_name_notice(user) -> Notice | None:
    """Until the author chooses a public name, readers see a stand-in: ask for one."""
    if site_settings().author_name:
        return None
    return Notice(
        text=_(
            "Readers see “%(name)s” on your posts and replies until you choose the name "
            "you sign with."
        )
        % {"name": public_name(user)},
        link_text=_("Set your public name"),
        url=_settings_url("author_name"),
    )


def moderation_address_notice(pending: int) -> Notice | None:
    """Comments wait and moderation mail would go nowhere: say so, not silence."""
    if not pending or site_settings().moderation_email or not discussion_settings().notify_pending:
        return None
    return Notice(
        text=ngettext(
            "%(count)d comment awaits moderation, and moderation mail has no address to go to.",
            "%(count)d comments await moderation, and moderation mail has no address to go to.",
            pending,
        )
        % {"count": pending},
        link_text=_("Set the address"),
        url=_settings_url("moderation_email"),
    )
