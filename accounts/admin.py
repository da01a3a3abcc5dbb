"""Staff views of the mapping.

The changelist has no search box on purpose: the admin's search is a GET, which would put account
numbers into URLs and access logs. Support staff use "Find a mapping" instead, a POST form shown on
the admin's home page, on top of the mapping list and on its own page.

A mapping is a consumer's account: the support desk may look at it (the "Support desk" group has
the view permission only, see migration 0004), and nobody deletes mappings in bulk.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from accounts.models import AccountMapping
from accounts.normalise import normalise_old_account_number
from audit.models import AuditEntry
from audit.services import audit_record, audit_target
from imports.models import ImportBatch


class FindMappingForm(forms.Form):
    account_number = forms.CharField(
        label=gettext_lazy("Old or new account number"),
        max_length=40,
        # The form is what the page is for: the cursor starts there. Browsers must not offer the
        # numbers typed before: a support-desk PC is shared, and each number is a consumer's.
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )

    def clean_account_number(self) -> str:
        return normalise_old_account_number(self.cleaned_data["account_number"])


@admin.register(AccountMapping)
class AccountMappingAdmin(admin.ModelAdmin):
    list_display = ("old_account_number", "new_account_number", "division", "updated_at")
    list_filter = ("division",)
    fields = (
        "old_account_number",
        "new_account_number",
        "consumer_name",
        "division",
        "mobile_last4",
        "written_by_batch",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("written_by_batch", "created_at", "updated_at")
    show_full_result_count = False  # COUNT(*) over 750,000 rows on every page is wasted work.
    change_list_template = "admin/accounts/accountmapping/change_list.html"
    # No bulk actions, so no "Delete selected" and no row checkboxes: deleting consumers' mappings
    # in bulk is never a support task, and a tick and a click on a call would do it. A wrong import
    # is undone by its rollback; one wrong mapping is deleted from its own page (delete permission).
    actions = None

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Django lets a changelist be filtered by any field from the address bar. Numbers, names and
        # mobiles must not travel in URLs (access logs keep them): "Find a mapping" is the POST way.
        # Only the filters the page offers are allowed, so a personal field added later is covered too.
        if lookup.split("__", 1)[0] not in self.list_filter:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request: HttpRequest, obj: AccountMapping | None = None) -> tuple[str, ...]:
        if obj is None:  # a new mapping: no import wrote it, and it has no dates yet
            return tuple(name for name in self.fields if name not in self.readonly_fields)
        return self.fields

    @admin.display(description=gettext_lazy("written by import batch"))
    def written_by_batch(self, obj: AccountMapping) -> str:
        # An applied batch stamps every mapping it writes with its rows_stamp (see imports.services);
        # a mapping changed since, by hand or by a later batch, carries a later time.
        batch = (
            ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED, rows_stamp=obj.updated_at)
            .order_by("-pk")
            .first()
        )
        if batch is None:
            return _("None: not written by an import (changes made here are in its History)")
        return _("#%(id)s %(file)s, applied %(applied)s") % {
            "id": batch.pk,
            "file": batch.original_name,
            "applied": date_format(localtime(batch.applied_at or batch.rows_stamp), "DATETIME_FORMAT"),
        }

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:  # every look at a consumer's mapping
            audit_record(
                action=AuditEntry.Action.MAPPING_VIEWED,
                request=request,
                target=audit_target(self.model, int(object_id)),
            )
        return response

    def get_urls(self) -> list:
        return [
            path("find/", self.admin_site.admin_view(self.find_view), name="accounts_accountmapping_find"),
            *super().get_urls(),
        ]

    @method_decorator(sensitive_post_parameters("account_number"))  # kept out of any error report
    def find_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FindMappingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            number = form.cleaned_data["account_number"]
            mapping = (
                AccountMapping.objects.filter(old_account_number=number).first()
                or AccountMapping.objects.filter(new_account_number=number).first()
            )
            found = AuditEntry.Action.MAPPING_FOUND if mapping else AuditEntry.Action.MAPPING_NOT_FOUND
            audit_record(action=found, request=request, target=audit_target(self.model, mapping.pk) if mapping else "")
            if mapping:
                # The mapping's own page: read-only for staff with the view permission only.
                return HttpResponseRedirect(reverse("admin:accounts_accountmapping_change", args=[mapping.pk]))
            messages.warning(request, _("No mapping has this old or new number."))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": _("Find a mapping"),
        }
        return TemplateResponse(request, "admin/accounts/accountmapping/find.html", context)
