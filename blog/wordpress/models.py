"""What an import from WordPress brought in, so that running it again adds nothing twice,
and the imports started from the admin."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import cached_property
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


# A running import writes its progress every second or so: this long without any, its
# worker has most likely stopped (killed, or the machine restarted).
STALLED_AFTER = timedelta(minutes=10)


class ImportsStorage(FileSystemStorage):
    """Files in ``MONTAGE_IMPORTS_ROOT`` (``var/imports/``), which nothing serves."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MONTAGE_IMPORTS_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "MONTAGE_IMPORTS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Uploaded WordPress exports are not served.")


_imports_storage = ImportsStorage()


def import_storage():
    """Where uploaded exports wait for the worker (a callable, so migrations name it)."""
    return _imports_storage


class ImportRunQuerySet(models.QuerySet):
    def claim(self, run_id):
        """Take a queued run for this worker: one conditional UPDATE, so only one wins."""
        now = timezone.now()
        return bool(
            self.filter(pk=run_id, state=ImportRun.State.QUEUED).update(
                state=ImportRun.State.RUNNING, started_at=now, updated_at=now
            )
        )


class ImportRun(models.Model):
    """One export uploaded in the admin and imported by the task worker.

    The file is kept in ``ImportsStorage`` (``var/imports/`` unless
    ``MONTAGE_IMPORTS_ROOT`` says otherwise), never under ``MEDIA_ROOT``: an export holds
    every commenter's address. The worker opens it by path, so the web server and the
    worker must share that folder; with several machines, point it at a shared volume
    (object storage would need the worker to copy the file to a local path first).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="wordpress_imports",
    )
    export = models.FileField(
        _("export"), storage=import_storage, upload_to="%Y/%m/", max_length=300, blank=True
    )
    original_name = models.CharField(max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Otherwise each WordPress author becomes a user here (with no password) and "
            "keeps their posts."
        ),
    )
    keep_linkbacks = models.BooleanField(default=True)
    dry_run = models.BooleanField(
        _("dry run"),
        default=False,
        help_text=_("Read everything and report what would be imported; write nothing."),
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    bytes_read = models.PositiveBigIntegerField(default=0)
    bytes_total = models.PositiveBigIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        app_label = "blog"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="import_run_state_valid",
            )
        ]
        verbose_name = _("import from WordPress")
        verbose_name_plural = _("imports from WordPress")

    def __str__(self):
        return self.original_name or _("Import %(number)s") % {"number": self.pk}

    @property
    def is_finished(self):
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self):
        """How much of the file is read, 0 to 100; None while that is not known."""
        if self.state == self.State.DONE:
            return 100
        if not self.bytes_total or (self.dry_run and self.state == self.State.RUNNING):
            return None
        return min(100, self.bytes_read * 100 // self.bytes_total)

    @property
    def seems_stalled(self):
        # A dry run writes no progress (its writes are rolled back): silence is no sign.
        return (
            self.state == self.State.RUNNING
            and not self.dry_run
            and self.updated_at < timezone.now() - STALLED_AFTER
        )

    @property
    def progress_text(self):
        """How far the worker has read, in words (the run page and its status view)."""
        total = filesizeformat(self.bytes_total)
        if self.state == self.State.QUEUED:
            return _("%(total)s to read") % {"total": total}
        if self.state == self.State.RUNNING and self.dry_run:
            return _(
                "%(total)s to read. A dry run shows how far it got only at the end: it "
                "imports everything in one transaction, then undoes it."
            ) % {"total": total}
        if self.state == self.State.RUNNING:
            return _("%(read)s of %(total)s read (%(percent)s%%)") % {
                "read": filesizeformat(self.bytes_read),
                "total": total,
                "percent": self.percent,
            }
        if self.state == self.State.DONE:
            return _("%(total)s read") % {"total": total}
        return ""
