"""Imports started in the admin: queued on upload, run once by the task worker.

A run is claimed with one conditional UPDATE (queued to running), so a task delivered
twice, or taken by two workers, imports the file once. Whatever stops the import ends
the run as done or failed, never left running: an export that is not one keeps
``ExportError``'s line for the author, anything else is logged with its traceback and
the author reads that the worker's log has it.
"""

import logging
import time
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from blog.wordpress.importer import import_export
from blog.wordpress.models import STALLED_AFTER, ImportRun
from blog.wordpress.report import report_as_json
from blog.wordpress.tasks import import_wordpress_export
from blog.wordpress.wxr import ExportError

logger = logging.getLogger(__name__)

# Progress is written at most this often: often enough for a bar that moves, rarely
# enough that a 100,000-item export is not also 100,000 UPDATEs.
PROGRESS_EVERY_SECONDS = 1.0
UNEXPECTED_ERROR = (
    "The import stopped on an unexpected error ({name}); the task worker's log has the "
    "details. What was imported before it stays, and Try again picks up from there."
)


def _enqueue(run_id):
    import_wordpress_export.enqueue(run_id)


def import_run_queue(*, run: ImportRun) -> ImportRun:
    """Save a new run (its file goes to the imports storage); the worker gets it on commit."""
    run.state = ImportRun.State.QUEUED
    run.bytes_total = run.export.size
    run.save()
    transaction.on_commit(partial(_enqueue, run.pk), robust=True)
    logger.info("WordPress import %s queued", run.pk)
    return run


def import_run_execute(*, run_id: int) -> bool:
    """Run one queued import; False if it was not queued (done, or another worker's)."""
    if not ImportRun.objects.claim(run_id):
        logger.info("WordPress import %s not run: not queued (run already, or running)", run_id)
        return False
    run = ImportRun.objects.select_related("author").get(pk=run_id)
    try:
        report = import_export(
            run.export.path,
            author=run.author,
            keep_linkbacks=run.keep_linkbacks,
            dry_run=run.dry_run,
            # A dry run is one transaction, rolled back at the end: progress written
            # inside it would be undone, and unseen by the admin until then.
            progress=None if run.dry_run else _ProgressWriter(run.pk),
        )
    except ExportError as error:
        # Not an export: trying the same file again cannot help, so it goes.
        message = str(error).replace(run.export.path, run.original_name or "The file")
        report = report_as_json(error.report) if error.report is not None else None
        _finish(run, state=ImportRun.State.FAILED, report=report, error=message, keep_file=False)
        return False
    except BaseException as error:
        logger.exception("WordPress import %s stopped by an unexpected error", run.pk)
        message = UNEXPECTED_ERROR.format(name=type(error).__name__)
        _finish(run, state=ImportRun.State.FAILED, error=message, keep_file=True)
        raise
    # A dry run's file stays for the import it was the rehearsal of.
    _finish(run, state=ImportRun.State.DONE, report=report_as_json(report), keep_file=run.dry_run)
    logger.info("WordPress import %s done", run.pk)
    return True


class _ProgressWriter:
    """``progress(bytes_read, bytes_total)`` for the importer, written now and then."""

    def __init__(self, run_id, *, clock=time.monotonic):
        self.run_id = run_id
        self.clock = clock
        self.written_at = clock()

    def __call__(self, done, total):
        now = self.clock()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        ImportRun.objects.filter(pk=self.run_id).update(
            bytes_read=done, bytes_total=total, updated_at=timezone.now()
        )
        self.written_at = now


def _finish(run, *, state, report=None, error="", keep_file):
    now = timezone.now()
    changes = {"state": state, "report": report, "error": error, "finished_at": now}
    if state == ImportRun.State.DONE:
        changes["bytes_read"] = run.bytes_total
    if not keep_file:
        changes["export"] = ""
    ImportRun.objects.filter(pk=run.pk).update(updated_at=now, **changes)
    if not keep_file:
        _file_delete(run.export.name)


def _file_delete(name):
    if not name:
        return
    try:
        ImportRun.export.field.storage.delete(name)
    except OSError as error:
        logger.warning("WordPress export %s not deleted: %s", name, error)


def import_run_retry(*, run: ImportRun) -> bool:
    """Queue a failed run again, or one whose worker stopped mid-way (no progress for a
    while); the importer picks up where it stopped. False if it cannot be retried."""
    now = timezone.now()
    again = Q(state=ImportRun.State.FAILED) | Q(
        state=ImportRun.State.RUNNING, updated_at__lt=now - STALLED_AFTER
    )
    queued = (
        ImportRun.objects.filter(again, pk=run.pk)
        .exclude(export="")
        .update(
            state=ImportRun.State.QUEUED,
            error="",
            report=None,
            bytes_read=0,
            started_at=None,
            finished_at=None,
            updated_at=now,
        )
    )
    if queued:
        transaction.on_commit(partial(_enqueue, run.pk), robust=True)
    return bool(queued)


def import_run_for_real(*, run: ImportRun, started_by) -> ImportRun | None:
    """Import for real the file a finished dry run read; None if it has gone already."""
    with transaction.atomic():
        taken = (
            ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.DONE, dry_run=True)
            .exclude(export="")
            .update(export="")
        )
        if not taken:
            return None
        real = ImportRun.objects.create(
            started_by=started_by,
            export=run.export.name,
            original_name=run.original_name,
            author=run.author,
            keep_linkbacks=run.keep_linkbacks,
            dry_run=False,
            bytes_total=run.bytes_total,
        )
        transaction.on_commit(partial(_enqueue, real.pk), robust=True)
    return real


def import_runs_delete(*, runs) -> int:
    """Delete runs and the files they still keep; what they imported stays."""
    runs = list(runs)
    names = [run.export.name for run in runs]
    deleted, _counts = ImportRun.objects.filter(pk__in=[run.pk for run in runs]).delete()
    for name in names:
        transaction.on_commit(partial(_file_delete, name))
    return deleted
