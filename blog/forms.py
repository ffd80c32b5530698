from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blog.embeds import format_timestamp, parse_timestamp
from blog.images import validate_image
from blog.models import PostLink, PostTrack, Video


class CheckedImageField(forms.ImageField):
    """Django's image field with Montage's checks first, so a refusal says why.

    Django's own check opens the file with Pillow and answers every failure, a
    decompression bomb included, with "not an image or a corrupted image".
    """

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image(data)
        return super().to_python(data)


class TimestampField(forms.Field):
    """A time in a video typed as 1:35, 95 or 1m35s, stored as whole seconds."""

    default_error_messages = {
        "invalid": _("Enter a time such as 1:35, 1:02:03 or 95 (seconds)."),
    }

    def __init__(self, **kwargs):
        attrs = {"size": 8, "maxlength": 12, "placeholder": "m:ss"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_timestamp(value)
        return value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        seconds = parse_timestamp(value)
        if seconds is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return seconds


class VideoForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=Video._meta.get_field("url").help_text,
    )

    class Meta:
        model = Video
        fields = ["url", "title", "duration_seconds", "position"]


class PostTrackForm(forms.ModelForm):
    starts_at = TimestampField(
        required=False,
        label=_("Starts at"),
        help_text=PostTrack._meta.get_field("starts_at").help_text,
    )

    class Meta:
        model = PostTrack
        fields = ["position", "track", "video", "starts_at"]


class PostLinkForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = PostLink
        fields = ["position", "title", "url"]
