from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from blog.wordpress.models import ImportRun


class ImportRunForm(forms.ModelForm):
    """An export to upload and how to import it: the command's options, as a form."""

    skip_linkbacks = forms.BooleanField(
        label=_("Leave out pingbacks and trackbacks"),
        required=False,
        help_text=_("They are counted in the report. Otherwise they are kept as such."),
    )

    class Meta:
        model = ImportRun
        fields = ["export", "author", "skip_linkbacks", "dry_run"]
        labels = {"export": _("WordPress export"), "author": _("Give every post to")}
        help_texts = {
            "export": _(
                "The XML file WordPress writes in Tools → Export → All content, up to %(max)s."
            ),
        }
        error_messages = {
            "export": {
                "required": _("Choose the export file WordPress wrote."),
                "empty": _(
                    "This file is empty: in WordPress, Tools → Export → All content writes "
                    "the export, then download it again."
                ),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        export = self.fields["export"]
        export.required = True
        export.help_text = export.help_text % {
            "max": filesizeformat(settings.MONTAGE_IMPORT_MAX_BYTES)
        }
        author = self.fields["author"]
        author.queryset = get_user_model().objects.order_by("username")
        author.empty_label = _("Each post's own WordPress author")
        author.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})"
            if user.get_full_name()
            else user.get_username()
        )

    def clean_export(self):
        export = self.cleaned_data["export"]
        limit = settings.MONTAGE_IMPORT_MAX_BYTES
        if export.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s; the admin takes exports up to %(max)s. Import it "
                    "with manage.py import_wordpress, or raise MONTAGE_IMPORT_MAX_BYTES."
                ),
                code="too_big",
                params={"size": filesizeformat(export.size), "max": filesizeformat(limit)},
            )
        return export

    def save(self, commit=True):
        run = super().save(commit=False)
        run.keep_linkbacks = not self.cleaned_data["skip_linkbacks"]
        run.original_name = self.cleaned_data["export"].name[:255]
        if commit:
            run.save()
        return run
