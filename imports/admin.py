"""Staff pages for imports, inside the admin: upload, preview, apply, roll back, progress.

Every page and endpoint needs the permission accounts.import_mapping. URLs carry batch ids only.
Apply and roll back act only from their confirmation page; every action by a person is written to
the admin's log (LogEntry), which its recent actions and a batch's history show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports import queueing, selectors, services
from imports.forms import UploadForm
from imports.models import REQUEUE_AFTER_MINUTES, ImportBatch
from imports.reasons import bilingual, file_error_message

PERMISSION = "accounts.import_mapping"
# Changed mappings listed a page at a time on a confirmation page; all of them in its download.
CHANGES_PER_PAGE = 50
Status = ImportBatch.Status

# The status a batch needs for each confirmation page, and the refusal (the service's) without it.
_CONFIRMS = {
    "apply": (Status.VALIDATED, gettext_lazy("Only a validated batch can be applied.")),
    "rollback": (Status.APPLIED, gettext_lazy("Only an applied batch can be rolled back.")),
}

# The admin log's message for each import action by a person: one fixed "English / हिन्दी" text, read
# as it is by Django (a JSON message with a key of ours would read "No fields changed.").
LOG_MESSAGES = {
    "uploaded": gettext_lazy("Uploaded"),
    "applied": gettext_lazy("Apply confirmed"),
    "rolled_back": gettext_lazy("Rolled back"),
    "retried": gettext_lazy("Retried"),
    "requeued": gettext_lazy("Queued again"),
}


def _require_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _report_download(
    request: HttpRequest,
    batch_id: int,
    opener: Callable[[ImportBatch], IO[bytes]],
    extension: str,
    content_type: str,
) -> HttpResponse:
    """A batch's error report as a download, for staff who may import; 404 when there is none."""
    _require_permission(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if not batch.error_report:
        raise Http404
    try:
        report = opener(batch)
    except FileNotFoundError:
        # Deleted from storage outside the retention rule (by hand, or a purge whose row update was lost).
        raise Http404 from None
    return FileResponse(
        report, as_attachment=True, filename=f"batch-{batch.pk}-refused-rows.{extension}", content_type=content_type
    )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "uploader",
        "created_at",
        "applier",
        "rows_read",
        "count_new",
        "count_changed",
        "count_refused",
    )
    list_filter = ("status",)
    list_display_links = ("__str__",)
    show_full_result_count = False
    # The uploader column is a method, which Django does not join for: without this, a query per row.
    list_select_related = ("uploaded_by", "applied_by")

    @admin.display(description=gettext_lazy("uploaded by"))
    def uploader(self, batch: ImportBatch) -> str:
        return selectors.batch_uploader(batch=batch)

    @admin.display(description=gettext_lazy("applied by"))
    def applier(self, batch: ImportBatch) -> str:
        return selectors.batch_applier(batch=batch)

    # Access: the one import permission, whatever the model permissions say. Batches are never
    # deleted: their history is what a rollback needs.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def get_urls(self) -> list:
        routes = [
            ("apply", self.apply_view),
            ("rollback", self.rollback_view),
            ("retry", self.retry_view),
            ("requeue", self.requeue_view),
            ("report", self.report_view),
            ("report-xlsx", self.report_xlsx_view),
            ("changes-xlsx", self.changes_xlsx_view),
            ("changes-csv", self.changes_csv_view),
            ("progress", self.progress_view),
        ]
        return [
            *(
                path(
                    f"<int:batch_id>/{name}/",
                    self.admin_site.admin_view(view, cacheable=False),
                    name=f"imports_importbatch_{name.replace('-', '_')}",
                )
                for name, view in routes
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        """The upload page, in place of the admin's "add" form."""
        _require_permission(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            batch = services.import_batch_create(
                uploaded_file=uploaded,
                original_name=uploaded.name,
                user=request.user,
                apply_when_valid=form.cleaned_data["apply_when_valid"],
                queued=True,
            )
            self.log_addition(request, batch, bilingual(LOG_MESSAGES["uploaded"]))
            queueing.import_batch_queue(batch=batch)
            if batch.duplicate_of_id:
                messages.warning(request, selectors.batch_duplicate_note(batch=batch))
            _say_how_it_went(
                request, batch, _("Batch #%(id)s uploaded: its rows are being checked.") % {"id": batch.pk}
            )
            return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": _("Upload a mapping file"),
        }
        return TemplateResponse(request, "admin/imports/importbatch/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The batch page, in place of the admin's change form: preview, progress and actions. Writes nothing."""
        _require_permission(request)
        if request.method != "GET":
            raise PermissionDenied
        batch = selectors.batch_as_shown(batch=get_object_or_404(ImportBatch, pk=object_id))
        validated = batch.status == ImportBatch.Status.VALIDATED
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import batch #%(id)s") % {"id": batch.pk},
            "batch": batch,
            "progress": selectors.batch_progress(batch=batch),
            "refusals": selectors.batch_refusals_summary(batch=batch),
            "refused_rows": selectors.batch_refused_rows_first(batch=batch) if validated else [],
            "short_old_rows": selectors.batch_short_old_numbers_first(batch=batch)
            if validated and (batch.notes or {}).get("short_old_numbers")
            else [],
            "files_deleted_note": selectors.batch_files_deleted_note(batch=batch),
            "read_as": selectors.batch_read_as(batch=batch),
            "duplicate_note": selectors.batch_duplicate_note(batch=batch),
            "history": selectors.batch_history(batch=batch),
            "notes": selectors.batch_notes(batch=batch),
            "can_queue_again": batch.can_queue_again(),
            "requeue_after_minutes": REQUEUE_AFTER_MINUTES,
            "failure_message": file_error_message(batch.failure_code, batch.failure_detail)
            if batch.failure_code
            else "",
        }
        return TemplateResponse(request, "admin/imports/importbatch/detail.html", context)

    @staticmethod
    def _back(batch_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[batch_id]))

    def apply_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """GET: what the apply will do, to confirm. POST from that page (``confirmed=1``): apply."""
        if self._confirmed(request):
            return self._action(
                request, batch_id, services.import_batch_apply_request, "applied", _("The batch is being applied.")
            )
        return self._confirmation(request, batch_id, "apply")

    def rollback_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """GET: what the rollback will do, to confirm. POST from that page (``confirmed=1``): roll back."""
        if self._confirmed(request):
            return self._action(
                request,
                batch_id,
                services.import_batch_rollback,
                "rolled_back",
                _("The batch was rolled back: every mapping it wrote is as it was before."),
            )
        return self._confirmation(request, batch_id, "rollback")

    def retry_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        return self._action(
            request, batch_id, services.import_batch_retry, "retried", _("The batch is being run again.")
        )

    def requeue_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        return self._action(
            request,
            batch_id,
            services.import_batch_requeue,
            "requeued",
            _("The batch was put on the queue again."),
        )

    @staticmethod
    def _confirmed(request: HttpRequest) -> bool:
        # Only the confirmation page's form sends it (the CSRF middleware checks the POST's origin):
        # a POST from elsewhere, such as a batch page still open from before, only shows what would happen.
        return request.method == "POST" and request.POST.get("confirmed") == "1"

    def _action(self, request: HttpRequest, batch_id: int, service, verb: str, done: str) -> HttpResponse:  # type: ignore[no-untyped-def]
        """Run a staff action's service, log it, and queue the work it left the batch waiting for, if any."""
        _require_permission(request)
        if request.method != "POST":
            return HttpResponse(status=405)
        get_object_or_404(ImportBatch, pk=batch_id)
        try:
            batch = service(batch_id=batch_id, user=request.user)
        except services.ImportActionRefused as refused:
            messages.error(request, str(refused))
        else:
            self.log_change(request, batch, bilingual(LOG_MESSAGES[verb]))
            if batch.status in {Status.QUEUED, Status.VALIDATED}:
                queueing.import_batch_queue(batch=batch)
            _say_how_it_went(request, batch, done)
        return self._back(batch_id)

    def _confirmation(self, request: HttpRequest, batch_id: int, action: str) -> HttpResponse:
        """The page that says what an apply or a rollback will do and asks for the second click. Writes nothing."""
        _require_permission(request)
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        if request.method == "POST":
            messages.warning(request, _("Nothing was done yet: check what will change, then confirm."))
            return HttpResponseRedirect(request.path)
        if request.method != "GET":
            return HttpResponse(status=405)
        status, refusal = _CONFIRMS[action]
        if batch.status != status:
            messages.error(request, str(refusal))
            return self._back(batch_id)
        summary, changes = selectors.batch_confirmation(batch=batch)
        title = (_("Apply batch #%(id)s?") if action == "apply" else _("Roll back batch #%(id)s?")) % {"id": batch.pk}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "batch": batch,
            "action": action,
            "summary": summary,
            "changed_count": selectors.grouped(changes.count()),
            "page_obj": Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page")),
        }
        return TemplateResponse(request, "admin/imports/importbatch/confirm.html", context)

    def changes_xlsx_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """Every mapping the confirmation page lists, as a workbook: for an apply, or for a rollback."""
        batch, changes, after = self._changes_to_confirm(request, batch_id)
        workbook = services.changed_mappings_xlsx(changes=changes, sheet_title=f"batch {batch.pk}", after=after)
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=f"batch-{batch.pk}-changed-mappings-{after}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def changes_csv_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        """The same list as a CSV, streamed while it is read: quick however many mappings changed."""
        batch, changes, after = self._changes_to_confirm(request, batch_id)
        response = StreamingHttpResponse(
            services.changed_mappings_csv(changes=changes, after=after), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-changed-mappings-{after}.csv"'
        return response

    @staticmethod
    def _changes_to_confirm(request: HttpRequest, batch_id: int) -> tuple[ImportBatch, selectors.ChangedMappings, str]:
        """The batch, the mappings its apply or rollback would change, and which of the two; 404 for neither."""
        _require_permission(request)
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        action = next((action for action, (status, _refusal) in _CONFIRMS.items() if batch.status == status), None)
        if action is None:
            raise Http404
        return batch, selectors.batch_confirmation(batch=batch)[1], action

    def report_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        return _report_download(
            request, batch_id, lambda batch: batch.error_report.open("rb"), "csv", "text/csv; charset=utf-8"
        )

    def report_xlsx_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        return _report_download(
            request,
            batch_id,
            lambda batch: services.import_batch_report_xlsx(batch=batch),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def progress_view(self, request: HttpRequest, batch_id: int) -> HttpResponse:
        _require_permission(request)
        batch = selectors.batch_as_shown(batch=get_object_or_404(ImportBatch, pk=batch_id))
        response = JsonResponse(selectors.batch_progress(batch=batch).as_dict())
        response["Cache-Control"] = "no-store"
        return response


def _say_how_it_went(request: HttpRequest, left: ImportBatch, pending: str) -> None:
    """Tell staff what became of the batch: ``pending`` while a worker has the next step, else the outcome.

    Without a broker (the embedded default) the queued task has already run in this request, and a
    "being checked" beside a page showing the result would contradict it.
    """
    status = selectors.batch_status(batch_id=left.pk)
    params = {"id": left.pk}
    if status == left.status or status in {Status.QUEUED, Status.VALIDATING, Status.APPLYING}:
        messages.success(request, pending)
    elif status == Status.FAILED:
        messages.error(request, _("Batch #%(id)s failed and nothing was changed: see why below.") % params)
    elif status == Status.VALIDATED:
        messages.success(request, _("Batch #%(id)s is checked: see the preview below.") % params)
    elif status == Status.APPLIED:
        messages.success(request, _("Batch #%(id)s is applied.") % params)
    else:
        messages.success(request, pending)
