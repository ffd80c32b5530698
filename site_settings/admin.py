from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from site_settings.conf import project_settings
from site_settings.forms import SiteSettingsForm
from site_settings.models import SiteSettings
from site_settings.services import site_settings_save


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One settings page, as the Discussion settings: the list opens it, no add or delete."""

    form = SiteSettingsForm
    fieldsets = [
        (None, {"fields": ["title", "tagline", "time_zone"]}),
        (_("Author"), {"fields": ["author_name", "moderation_email"]}),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "title": _("Site settings"),
            "subtitle": None,
            "show_save_and_continue": False,
        }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:site_settings_sitesettings_change", SiteSettings.SINGLETON_PK)

    def get_object(self, request, object_id, from_field=None):
        """The saved settings; before the first save, the values in force, unsaved."""
        if str(object_id) != str(SiteSettings.SINGLETON_PK):
            return None
        saved = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
        if saved:
            return saved
        start = project_settings()
        return SiteSettings(
            pk=SiteSettings.SINGLETON_PK,
            **{name: getattr(start, name) for name in SiteSettings.editable_names()},
        )

    def save_model(self, request, obj, form, change):
        site_settings_save(row=obj)

    def response_change(self, request, obj):
        self.message_user(request, _("Site settings saved."), messages.SUCCESS)
        return redirect("admin:site_settings_sitesettings_change", obj.pk)
