from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from comments.admin import SettingsPageAdmin
from site_settings.conf import project_settings
from site_settings.forms import SiteSettingsForm
from site_settings.models import SiteSettings
from site_settings.services import site_settings_save


@admin.register(SiteSettings)
class SiteSettingsAdmin(SettingsPageAdmin):
    """One settings page, as the Discussion settings: the list opens it, no add or delete."""

    form = SiteSettingsForm
    fieldsets = [
        (None, {"fields": ["title", "tagline", "time_zone"]}),
        (_("Author"), {"fields": ["author_name", "moderation_email"]}),
        (_("Feeds"), {"fields": ["feed_content"]}),
    ]

    def unsaved_row(self):
        """Before the first save, the starting values from the environment, unsaved."""
        start = project_settings()
        return SiteSettings(
            pk=SiteSettings.SINGLETON_PK,
            **{name: getattr(start, name) for name in SiteSettings.editable_names()},
        )

    def save_model(self, request, obj, form, change):
        site_settings_save(row=obj)
