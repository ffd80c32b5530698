"""What an import from WordPress brought in, so that running it again adds nothing twice."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """One thing of a WordPress export and what it became here.

    ``site`` is the export's blog address, so two blogs' numbering never meets;
    ``wp_key`` is WordPress's id (a term's taxonomy and slug, an author's login).
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post or page")
        COMMENT = "comment", _("Comment")

    site = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind)
    wp_key = models.CharField(max_length=300)
    guid = models.CharField(max_length=500, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "blog"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_key"], name="imported_item_once_per_site"
            )
        ]
        indexes = [models.Index(fields=["site", "kind", "guid"], name="imported_item_guid")]

    def __str__(self):
        return f"{self.site} {self.kind} {self.wp_key}"
