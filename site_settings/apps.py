from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteSettingsConfig(AppConfig):
    """The site's title, tagline, time zone, author's name and moderation address."""

    name = "site_settings"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"
