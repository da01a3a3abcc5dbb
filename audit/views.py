"""The audit trail's page for administrators: filter, page through, export. Reading writes nothing;
the export is a POST because it is itself recorded."""

from __future__ import annotations

from defusedcsv import csv as defusedcsv
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import selectors
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.services import audit_record
from kesco_lookup.excel import excel_safe

PER_PAGE = 50
VIEW_PERMISSION = "audit.view_auditentry"


def _require_reader(request: HttpRequest) -> None:
    # Administrators only: the Administrator role holds this permission, superusers hold every one.
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def audit_entries(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = AuditFilterForm(request.GET if any(name in request.GET for name in AuditFilterForm.base_fields) else None)
    entries = selectors.audit_entries_filtered(**form.filters())
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Audit trail"),
        "form": form,
        "page": page,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }
    return TemplateResponse(request, "audit/entries.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AuditFilterForm(request.POST)
    filters = form.filters()
    entries = selectors.audit_entries_filtered(**filters)
    audit_record(action=AuditEntry.Action.AUDIT_EXPORTED, request=request, detail={"filters": sorted(filters)})
    writer = defusedcsv.writer(_Echo())
    header = [_("Time (IST)"), _("Person"), _("Action"), _("Target"), _("Address"), _("Detail")]
    # Every cell through excel_safe: a username typed at a failed sign-in can be "=HYPERLINK(...)".
    rows = (writer.writerow([excel_safe(cell) for cell in row]) for row in selectors.audit_export_rows(entries=entries))
    # A byte-order mark first, so that Excel reads the Hindi action names as UTF-8.
    response = StreamingHttpResponse(
        (line for part in (["\ufeff", writer.writerow(header)], rows) for line in part),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
