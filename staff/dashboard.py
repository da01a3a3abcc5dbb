"""Staff pages that read across the apps: what consumers could not find, and usage at a glance.

Admin pages (admin.site.admin_view in staff/dashboard_urls.py: the admin's sign-in applies), each checking
its own permission: README, 'Usage and missing numbers'.
"""

from __future__ import annotations

from defusedcsv import csv as defusedcsv
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.selectors import MissingStatus, missing_numbers_list
from kesco_lookup.excel import excel_safe
from staff.selectors import CHART_DAYS, OUTCOMES, dashboard_read

MISSING_PER_PAGE = 50
# The export is for working through in Excel, not for copying the whole history: the most searched.
MISSING_EXPORT_MAX = 10_000


def _may_see_missing_numbers(request: HttpRequest) -> bool:
    # Import operators: they are the ones who ask the billing team for what the files miss.
    return request.user.has_perm("accounts.import_mapping")


def _may_see_reports(request: HttpRequest) -> bool:
    return request.user.has_perm("safety.view_scamreport")


def _status(request: HttpRequest) -> MissingStatus:
    try:
        return MissingStatus(request.GET.get("status", MissingStatus.MISSING))
    except ValueError:
        return MissingStatus.MISSING


@require_safe
def missing_numbers(request: HttpRequest) -> HttpResponse:
    if not _may_see_missing_numbers(request):
        raise PermissionDenied
    status = _status(request)
    page = Paginator(missing_numbers_list(status=status), MISSING_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("What consumers could not find"),
        "page": page,
        "status": status,
        "statuses": [
            (MissingStatus.MISSING, _("Still missing")),
            (MissingStatus.FOUND, _("Found by a later import")),
            (MissingStatus.ALL, _("All")),
        ],
    }
    return TemplateResponse(request, "staff/missing_numbers.html", context)


@require_safe
def missing_numbers_export(request: HttpRequest) -> HttpResponse:
    if not _may_see_missing_numbers(request):
        raise PermissionDenied
    status = _status(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="missing-numbers-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = defusedcsv.writer(response)
    writer.writerow(["old_account_number", "searches", "different_addresses", "first_seen", "last_seen", "found"])
    for row in missing_numbers_list(status=status)[:MISSING_EXPORT_MAX]:
        writer.writerow(
            [
                # Leading zeros kept, and never a number Excel rounds: the billing team searches by it.
                excel_safe(row["old_account_number"]),
                row["total_searches"],
                row["total_addresses"],
                timezone.localtime(row["first"]).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(row["last"]).strftime("%Y-%m-%d %H:%M"),
                "yes" if row["found"] else "no",
            ]
        )
    return response


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    # Staff who work with imports or with scam reports: it shows how the lookup and the reports are
    # doing. The chart holds no personal data; the missing numbers only for import operators.
    imports, reports = _may_see_missing_numbers(request), _may_see_reports(request)
    if not (imports or reports):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Usage at a glance"),
        "chart_days": CHART_DAYS,
        "outcomes": [
            (name, label)
            for name, label in zip(
                OUTCOMES, (_("Matched"), _("No match"), _("Already the new number"), _("Limited")), strict=True
            )
        ],
        **dashboard_read(imports=imports, reports=reports),
    }
    return TemplateResponse(request, "staff/dashboard.html", context)
