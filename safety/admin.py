"""Staff manage the official registry, rules, alerts and genuine messages, and triage scam reports.

Demo entries stand out until verified.
"""

from __future__ import annotations

from defusedcsv import csv as defusedcsv
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.models import AuditEntry
from audit.services import audit_record, audit_target
from kesco_lookup.excel import excel_safe
from safety.models import Alert, GenuineMessage, OfficialContact, PaymentChannel, SafetyRule, ScamReport
from safety.selectors import PAGE_CONTACT_KEYS, scam_reports_by_suspect
from safety.services import page_copies_drop, scam_reports_status_set


# Actions write: Django offers an action to anyone who can see the list unless it names a permission.
@admin.action(description=_("Mark as verified by me today"), permissions=["change"])
def mark_verified(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    verified = list(queryset.values_list("pk", flat=True))
    updated = queryset.update(is_demo=False, verified_on=timezone.localdate(), verified_by=request.user)
    page_copies_drop(keys=PAGE_CONTACT_KEYS)  # an UPDATE sends no signal (safety/signals.py)
    for pk in verified:  # an UPDATE writes no admin LogEntry: the trail is told directly
        audit_record(
            action=AuditEntry.Action.REGISTRY_CHANGED,
            request=request,
            target=audit_target(queryset.model, pk),
            detail={"change": "verified"},
        )
    modeladmin.message_user(
        request,
        ngettext("%(count)d entry marked as verified.", "%(count)d entries marked as verified.", updated)
        % {"count": updated},
    )


@admin.display(description=_("status"), ordering="is_demo")
def _demo_status(obj: OfficialContact | GenuineMessage) -> str:
    """Seeded demo data stands out until staff have checked it (OfficialContact, GenuineMessage)."""
    return str(_("DEMO: verify before use")) if obj.is_demo else str(_("verified"))


class OfficialContactAdmin(admin.ModelAdmin):
    # A store link typed without a scheme is an https one (Django 6's default; 5.2 warns and assumes http).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name_en",
        "name_hi",
        "kind",
        "value",
        "division",
        "is_payment_channel",
        "is_active",
        _demo_status,
        "verified_on",
        "verified_by",
    )
    list_filter = ("is_demo", "kind", "is_payment_channel", "is_active")
    search_fields = ("name_en", "name_hi", "value", "address_en", "address_hi")
    readonly_fields = ("verified_on", "verified_by", "created_at", "updated_at")
    actions = (mark_verified,)


admin.site.register(OfficialContact, OfficialContactAdmin)


@admin.register(PaymentChannel)
class PaymentChannelAdmin(OfficialContactAdmin):
    exclude = ("is_payment_channel",)


@admin.register(SafetyRule)
class SafetyRuleAdmin(admin.ModelAdmin):
    list_display = ("text_en", "text_hi", "display_order", "is_active")
    list_editable = ("display_order", "is_active")


@admin.action(description=_("Export selected reports to CSV (safe to open in Excel)"))
def export_reports_csv(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="scam-reports.csv"'
    # A byte-order mark, so that Excel reads the Hindi text as UTF-8.
    response.write("\ufeff")
    writer = defusedcsv.writer(response)
    writer.writerow(
        [
            "id", "received", "channel", "suspect", "suspect_as_typed", "contacted_on", "money_lost",
            "status", "message_text", "contact",
        ]
    )  # fmt: skip
    for report in queryset.order_by("created_at").iterator():
        # What consumers typed goes through excel_safe: it keeps its leading zeros and long digits
        # (09876543210 would lose its 0, 919876543210 turn into 9.19877E+11) and never runs as a
        # formula, a tab or CR first included. defusedcsv's writer stays as the net under it all.
        writer.writerow(
            [
                report.pk,
                timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
                report.channel,
                excel_safe(report.suspect),
                excel_safe(report.suspect_as_typed),
                report.contacted_on.isoformat() if report.contacted_on else "",
                "yes" if report.money_lost else "no",
                report.status,
                excel_safe(report.message_text),
                excel_safe(report.contact),
            ]
        )
    return response


def _status_action(status: ScamReport.Status, description: str):
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        updated = scam_reports_status_set(reports=queryset, status=status)
        modeladmin.message_user(
            request,
            ngettext("%(count)d report set to '%(status)s'.", "%(count)d reports set to '%(status)s'.", updated)
            % {"count": updated, "status": status.label},
        )

    action.__name__ = f"set_status_{status.value}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(ScamReport)
class ScamReportAdmin(admin.ModelAdmin):
    list_display = ("reference", "created_at", "channel", "suspect", "money_lost_flag", "status", "contacted_on")
    # Money lost first: those victims must call 1930 within hours, the rest can wait.
    ordering = ("-money_lost", "-created_at")
    list_filter = ("status", "channel", "money_lost", "created_at")
    # Search only the suspect's number and the report's reference (what a consumer quotes): the admin
    # search is a GET, and the consumer's own contact or text must not end up in URLs or access logs.
    search_fields = ("reference", "suspect")
    readonly_fields = (
        "reference", "channel", "suspect", "suspect_as_typed", "message_text", "contacted_on", "money_lost", "contact",
        "screenshot_link", "created_at", "updated_at",
    )  # fmt: skip
    fields = (*readonly_fields[:-2], "status", "created_at", "updated_at")
    actions = (
        _status_action(ScamReport.Status.REVIEWED, _("Set status: reviewed")),
        _status_action(ScamReport.Status.FORWARDED, _("Set status: forwarded to police")),
        _status_action(ScamReport.Status.CLOSED, _("Set status: closed")),
        export_reports_csv,
    )
    change_list_template = "admin/safety/scamreport/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from consumers; staff triage them

    def get_urls(self) -> list:
        return [
            path(
                "by-suspect/",
                self.admin_site.admin_view(self.by_suspect_view),
                name="safety_scamreport_by_suspect",
            ),
            path(
                "<int:report_id>/screenshot/",
                self.admin_site.admin_view(self.screenshot_view),
                name="safety_scamreport_screenshot",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("money lost"), ordering="money_lost")
    def money_lost_flag(self, obj: ScamReport) -> str:
        # Red words, not Django's green tick: a tick reads as "all is well" to someone scanning the list.
        if not obj.money_lost:
            return "-"
        return format_html('<strong class="money-lost" style="color:#ba2121">{}</strong>', _("Money lost"))

    @admin.display(description=_("screenshot"))
    def screenshot_link(self, obj: ScamReport) -> str:
        if not obj.screenshot:
            return "-"
        url = reverse("admin:safety_scamreport_screenshot", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Open the screenshot"))

    def screenshot_view(self, request: HttpRequest, report_id: int) -> FileResponse:
        # Screenshots are never under a public URL: staff with view permission only.
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(ScamReport, pk=report_id)
        if not report.screenshot:
            raise Http404
        extension = report.screenshot.name.rsplit(".", 1)[-1]
        content_type = "image/png" if extension == "png" else "image/jpeg"
        response = FileResponse(report.screenshot.open("rb"), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="report-{report.pk}.{extension}"'
        response["Cache-Control"] = "private, no-store"
        return response

    def by_suspect_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reports grouped by suspect number"),
            "groups": scam_reports_by_suspect()[:500],
            "changelist_url": reverse("admin:safety_scamreport_changelist"),
        }
        return TemplateResponse(request, "admin/safety/scamreport/by_suspect.html", context)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_hi", "starts_at", "ends_at", "is_active")
    list_filter = ("is_active",)


@admin.register(GenuineMessage)
class GenuineMessageAdmin(admin.ModelAdmin):
    list_display = ("sender_id", "description_en", _demo_status, "display_order", "is_active")
    list_filter = ("is_demo", "is_active")
