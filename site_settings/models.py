from django.db import models
from django.utils.translation import gettext_lazy as _

from site_settings.time_zones import validate_time_zone


class FeedContent(models.TextChoices):
    FULL = "full", _("the whole post")
    LEAD = "lead", _("the lead only")


class SiteSettings(models.Model):
    """The author's site settings: one row, edited in the admin.

    Until the author first saves it, the values come from Django's settings (the
    environment, see ``site_settings.conf``); once saved, the row wins. It is read
    through the cache, under the content version, which saving it moves.
    """

    SINGLETON_PK = 1

    title = models.CharField(
        _("site title"),
        max_length=100,
        help_text=_("Heads every page, and names the site in search results and shared links."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the site is about, in one line: shown in the footer and search results."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "Dates and times on the site and in the admin are shown in this zone, and "
            "archives start each day and month by it."
        ),
    )
    author_name = models.CharField(
        _("your public name"),
        max_length=100,
        help_text=_(
            "The name readers see on your posts and on your replies to comments; changing "
            "it changes your earlier replies too. Your login name is never shown."
        ),
    )
    moderation_email = models.EmailField(
        _("send moderation mail to"),
        blank=True,
        help_text=_(
            "Where the mail about comments awaiting moderation goes. Empty: no mail is "
            "sent, and the admin's home page says so while comments wait."
        ),
    )
    feed_content = models.CharField(
        _("feeds show"),
        max_length=4,
        choices=FeedContent,
        default=FeedContent.FULL,
        help_text=_(
            "What feed readers get of each post: the whole post (lead, video link, poster, "
            "body and soundtrack), or only the lead, with a link to the post."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def as_values(self):
        """The row as ``site_settings.conf.SiteConfig`` field values."""
        return {name: getattr(self, name) for name in self.editable_names()}

    @classmethod
    def editable_names(cls):
        return [
            field.name
            for field in cls._meta.concrete_fields
            if field.editable and field.name != "id"
        ]


SETTINGS_CACHE_KEY = "site_settings:values"
# Keyed by the content version, so a change shows at once: the time only bounds memory.
SETTINGS_CACHE_SECONDS = 24 * 3600
