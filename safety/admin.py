"""Staff manage the official registry and the safety rules; demo entries stand out until verified."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safety.models import OfficialContact, PaymentChannel, SafetyRule


@admin.action(description=_("Mark as verified by me today"))
def mark_verified(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    updated = queryset.update(is_demo=False, verified_on=timezone.localdate(), verified_by=request.user)
    modeladmin.message_user(
        request,
        ngettext("%(count)d entry marked as verified.", "%(count)d entries marked as verified.", updated)
        % {"count": updated},
    )


class OfficialContactAdmin(admin.ModelAdmin):
    list_display = (
        "name_en",
        "name_hi",
        "kind",
        "value",
        "is_payment_channel",
        "is_active",
        "demo_status",
        "verified_on",
        "verified_by",
    )
    list_filter = ("is_demo", "kind", "is_payment_channel", "is_active")
    search_fields = ("name_en", "name_hi", "value")
    readonly_fields = ("verified_on", "verified_by", "created_at", "updated_at")
    actions = (mark_verified,)

    @admin.display(description=_("status"), ordering="is_demo")
    def demo_status(self, obj: OfficialContact) -> str:
        return str(_("DEMO: verify before use")) if obj.is_demo else str(_("verified"))


admin.site.register(OfficialContact, OfficialContactAdmin)


@admin.register(PaymentChannel)
class PaymentChannelAdmin(OfficialContactAdmin):
    exclude = ("is_payment_channel",)


@admin.register(SafetyRule)
class SafetyRuleAdmin(admin.ModelAdmin):
    list_display = ("text_en", "text_hi", "display_order", "is_active")
    list_editable = ("display_order", "is_active")
