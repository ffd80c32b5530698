from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _


class SiteSettingsConfig(AppConfig):
    """The site's title, tagline, time zone, author's name and moderation address."""

    name = "site_settings"
    verbose_name = _("Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from site_settings import conf

        request_started.connect(conf.begin_request, dispatch_uid="site_settings.begin")
        request_finished.connect(conf.end_request, dispatch_uid="site_settings.end")
