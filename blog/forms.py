from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from blog.embeds import format_timestamp, parse_timestamp
from blog.images import validate_image
from blog.models import (
    Page,
    Post,
    PostLink,
    PostTrack,
    Redirect,
    Video,
    address_is_under,
    address_normalise,
)


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


# The post form's video rows, read again by PostTrackFormSet to learn their lengths.
VideoFormSet = inlineformset_factory(Post, Video, form=VideoForm, extra=0)


class PostTrackFormSet(BaseInlineFormSet):
    """The soundtrack rows, each starting inside the video it plays in.

    The video may be new or changed in the same submission (a track typed in the same
    form as its video), so its length is read from the post form's video rows, as
    sent, and only from the database when they were not sent.
    """

    videos_prefix = "videos"

    def clean(self):
        super().clean()
        lengths, first = self._video_lengths()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("starts_at") is None:
                continue
            video = data.get("video")
            length = lengths.get(video.pk) if video else first
            if length is not None and data["starts_at"] > length:
                form.add_error(
                    "starts_at",
                    ValidationError(
                        _("A track can't start after the video ends (%(end)s)."),
                        code="after_the_end",
                        params={"end": format_timestamp(length)},
                    ),
                )

    def _video_lengths(self):
        """Each video's length by id, and the first video's (the one "empty" means)."""
        if f"{self.videos_prefix}-TOTAL_FORMS" not in self.data:
            videos = list(self.instance.videos.all()) if self.instance.pk else []
            rows = [(video.position, video.pk, video.duration_seconds) for video in videos]
        else:
            rows = self._sent_video_rows()
        rows.sort(key=lambda row: (row[0], row[1] is None))
        lengths = {pk: length for _, pk, length in rows if pk is not None}
        return lengths, rows[0][2] if rows else None

    def _sent_video_rows(self):
        videos = VideoFormSet(self.data, instance=self.instance, prefix=self.videos_prefix)
        if not videos.is_valid():
            # The video rows show their own errors; a length there is not yet known.
            return []
        return [
            (row["position"], row["id"].pk if row.get("id") else None, row["duration_seconds"])
            for row in videos.cleaned_data
            if row and not row.get("DELETE")
        ]


class RedirectForm(forms.ModelForm):
    """A redirect the author enters: one step for readers, never a chain or a loop."""

    class Meta:
        model = Redirect
        fields = ["old_path", "new_path", "note"]

    def clean(self):
        data = super().clean()
        old_path, new_path = data.get("old_path"), data.get("new_path")
        if old_path and new_path:
            self._refuse_a_second_step(address_normalise(old_path), address_normalise(new_path))
        return data

    def _refuse_a_second_step(self, old_path, new_path):
        path, _mark, query = new_path.partition("?")
        row = Redirect.objects.exclude(pk=self.instance.pk).for_address(path, query)
        if row is None or row.old_path == old_path:
            return
        target = row.target_for(path, query)
        if row.is_gone:
            error = ValidationError(
                _("“%(address)s” is recorded as gone: readers sent there would find nothing."),
                code="to_gone",
                params={"address": new_path},
            )
        elif address_is_under(target, old_path):
            error = ValidationError(
                _(
                    "“%(address)s” already redirects to “%(target)s”, so readers would go "
                    "round in a loop. Change or delete that redirect first."
                ),
                code="loop",
                params={"address": new_path, "target": target},
            )
        else:
            error = ValidationError(
                _(
                    "“%(address)s” already redirects to “%(target)s”: enter “%(target)s”, "
                    "so readers get there in one step."
                ),
                code="chain",
                params={"address": new_path, "target": target},
            )
        self.add_error("new_path", error)


# First parts of the site's own addresses, now or planned (issue 10), which a page at
# /<slug>/ would hide or be hidden by; ``PageForm`` also asks the URLconf itself.
RESERVED_PAGE_SLUGS = frozenset(
    {
        "admin",
        "archive",
        "categories",
        "category",
        "comments",
        "feed",
        "media",
        "posts",
        "robots",
        "search",
        "sitemap",
        "static",
        "subscribe",
        "tag",
        "tags",
    }
)


def slug_is_the_sites_own(slug):
    """Whether /<slug>/, or an address under it, is already one of the site's."""
    if slug.lower() in RESERVED_PAGE_SLUGS:
        return True
    try:
        if resolve(f"/{slug}/").view_name != "blog:page":
            return True
    except Resolver404:
        pass
    try:
        resolve(f"/{slug}/x/")
    except Resolver404:
        return False
    return True


class PageForm(forms.ModelForm):
    """A page's form: its address must be free among posts, pages and the site's own."""

    class Meta:
        model = Page
        fields = ["title", "slug", "body", "in_menu", "menu_position"]
        fields += ["status", "published_at", "author", "comments_enabled"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug_is_the_sites_own(slug):
            raise ValidationError(
                _("/%(slug)s/ is one of the site's own addresses: choose another slug."),
                code="reserved_slug",
                params={"slug": slug},
            )
        taken = Post.everything.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("A post or page already has the slug “%(slug)s”: choose another."),
                code="duplicate_slug",
                params={"slug": slug},
            )
        return slug
