from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from site_settings.models import SiteSettings
from site_settings.time_zones import INVALID_TIME_ZONE, time_zone_choices


class SiteSettingsForm(forms.ModelForm):
    """The settings page's form: a list of real zones, and a name that is not a login."""

    class Meta:
        model = SiteSettings
        fields = [
            "title",
            "tagline",
            "time_zone",
            "author_name",
            "moderation_email",
            "feed_content",
        ]
        error_messages = {
            "title": {"required": _("Give the site a title: it heads every page.")},
            "author_name": {
                "required": _("Enter the name readers should see on your posts and replies.")
            },
            "moderation_email": {
                "invalid": _(
                    "Enter an email address such as you@example.com, or leave this empty."
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.data.get("time_zone") or self.initial.get("time_zone", "")
        self.fields["time_zone"] = forms.ChoiceField(
            label=self.fields["time_zone"].label,
            help_text=self.fields["time_zone"].help_text,
            choices=time_zone_choices(current),
            error_messages={"invalid_choice": INVALID_TIME_ZONE},
        )

    def clean_author_name(self):
        name = self.cleaned_data["author_name"]
        logins = get_user_model().objects.filter(is_staff=True, username__iexact=name)
        if logins.exists():
            raise forms.ValidationError(
                _(
                    "That is a login name, and readers must never see one. Enter the name "
                    "you sign with, such as “Ada Lovelace”."
                ),
                code="login_name",
            )
        return name
