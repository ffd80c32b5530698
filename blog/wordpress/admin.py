"""The admin's Import from WordPress: upload an export, watch the worker import it.

Importing creates posts (and their authors, comments and redirects), so whoever may add
posts may import; the run rows' own permissions are not used.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from blog.wordpress.forms import ImportRunForm
from blog.wordpress.models import ImportRun
from blog.wordpress.report import report_from_json, report_sections
from blog.wordpress.runs import (
    import_run_for_real,
    import_run_queue,
    import_run_retry,
    import_runs_delete,
)

# An import writes posts, and with them users (the old site's authors) and redirects.
IMPORT_PERMISSIONS = ("blog.add_post", "auth.add_user", "blog.add_redirect")


def may_import(user):
    return user.has_perms(IMPORT_PERMISSIONS)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    form = ImportRunForm
    fields = ["export", "author", "skip_linkbacks", "dry_run"]
    list_display = ["__str__", "state", "dry_run", "progress", "started_by", "created_at"]
    list_filter = ["state", "dry_run"]
    list_select_related = ["started_by"]
    add_form_template = "admin/blog/importrun/add_form.html"

    def has_view_permission(self, request, obj=None):
        return may_import(request.user)

    def has_add_permission(self, request):
        return may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A running import is reading its file.
        running = obj is not None and obj.state == ImportRun.State.RUNNING
        return may_import(request.user) and not running

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # A plain choice: no buttons to add or edit users in the middle of an import.
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("progress"))
    def progress(self, run):
        return "" if run.percent is None else f"{run.percent}%"

    def _url(self, view, *args):
        return reverse(f"admin:blog_importrun_{view}", args=args)

    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"blog_importrun_{name}",
            )

        return [
            view(self.status_view, "status"),
            view(self.retry_view, "retry"),
            view(self.for_real_view, "for_real"),
            *super().get_urls(),
        ]

    # Uploading: the admin's own add form, saved through the service that queues it.

    def add_view(self, request, form_url="", extra_context=None):
        context = {"title": _("Import from WordPress"), **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and context.get("errors") and request.FILES:
            # A browser empties the file box of a form that comes back.
            self.message_user(
                request,
                _("Correct the mistakes below, then choose the export again."),
                messages.WARNING,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        import_run_queue(run=obj)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(self._url("change", obj.pk))

    # The run's page, its status for the page's script, and what can be done next.

    def _run(self, request, object_id):
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404(_("There is no such import."))
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return run

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self._run(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": run,
            "run": run,
            "sections": report_sections(report_from_json(run.report)) if run.report else [],
            "status_url": self._url("status", run.pk),
            "retry_url": self._url("retry", run.pk) if self._may_retry(run) else None,
            "for_real_url": self._url("for_real", run.pk) if self._may_import(run) else None,
            "delete_url": (
                self._url("delete", run.pk) if self.has_delete_permission(request, run) else None
            ),
        }
        return TemplateResponse(request, "admin/blog/importrun/run.html", context)

    @staticmethod
    def _may_retry(run):
        failed = run.state == ImportRun.State.FAILED or run.seems_stalled
        return failed and bool(run.export)

    @staticmethod
    def _may_import(run):
        return run.state == ImportRun.State.DONE and run.dry_run and bool(run.export)

    def status_view(self, request, object_id):
        run = self._run(request, object_id)
        return JsonResponse(
            {
                "state": run.state,
                "state_label": run.get_state_display(),
                "percent": run.percent,
                "progress_text": run.progress_text,
                "finished": run.is_finished,
            },
            headers={"Cache-Control": "no-store"},
        )

    def retry_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self._run(request, object_id)
        if import_run_retry(run=run):
            self.message_user(request, _("The import is queued again."), messages.SUCCESS)
        else:
            self.message_user(request, _("This import cannot be tried again."), messages.WARNING)
        return redirect(self._url("change", run.pk))

    def for_real_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self._run(request, object_id)
        real = import_run_for_real(run=run, started_by=request.user)
        if real is None:
            self.message_user(
                request, _("This dry run's file has been imported already."), messages.WARNING
            )
            return redirect(self._url("change", run.pk))
        return redirect(self._url("change", real.pk))

    def delete_model(self, request, obj):
        import_runs_delete(runs=[obj])

    def delete_queryset(self, request, queryset):
        import_runs_delete(runs=queryset.exclude(state=ImportRun.State.RUNNING))
