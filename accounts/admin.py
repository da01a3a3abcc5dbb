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
from accounts.normalise import name_key, normalise_mobile_last4, normalise_old_account_number
from accounts.selectors import FOUND_BY_NAME_MAX, mappings_found_by_name
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


class FindByNameForm(forms.Form):
    """A caller without any old bill: all three are required, so the form cannot list people."""

    consumer_name = forms.CharField(
        label=gettext_lazy("Name, or part of it"),
        min_length=2,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    division = forms.CharField(
        label=gettext_lazy("Division"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    mobile_last4 = forms.CharField(
        label=gettext_lazy("Last 4 digits of the registered mobile"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_consumer_name(self) -> str:
        name = self.cleaned_data["consumer_name"]
        if len(name_key(name)) < 2:
            raise forms.ValidationError(_("Type at least two letters of the name."))
        return name

    def clean_mobile_last4(self) -> str:
        return normalise_mobile_last4(self.cleaned_data["mobile_last4"])


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
            path(
                "find/by-name/",
                self.admin_site.admin_view(self.find_by_name_view),
                name="accounts_accountmapping_find_by_name",
            ),
            *super().get_urls(),
        ]

    def _find_done(self, request: HttpRequest, *, method: str, mapping_ids: list[int]) -> None:
        """Every find ends here, found or not: the audit trail records it (never what was typed)."""
        for mapping_id in mapping_ids:
            audit_record(
                action=AuditEntry.Action.MAPPING_FOUND,
                request=request,
                target=audit_target(self.model, mapping_id),
                detail={"method": method},
            )
        if not mapping_ids:
            audit_record(action=AuditEntry.Action.MAPPING_NOT_FOUND, request=request, detail={"method": method})

    def _find_page(
        self, request: HttpRequest, form: FindMappingForm, name_form: FindByNameForm, **extra: object
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "name_form": name_form,
            "opts": self.model._meta,
            "title": _("Find a mapping"),
            "found_max": FOUND_BY_NAME_MAX,
            **extra,
        }
        # admin_view has made it never_cache: the answers hold names and numbers.
        return TemplateResponse(request, "admin/accounts/accountmapping/find.html", context)

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
            self._find_done(request, method="number", mapping_ids=[mapping.pk] if mapping else [])
            if mapping:
                # The mapping's own page: read-only for staff with the view permission only.
                return HttpResponseRedirect(reverse("admin:accounts_accountmapping_change", args=[mapping.pk]))
            messages.warning(request, _("No mapping has this old or new number."))
        return self._find_page(request, form, FindByNameForm())

    @method_decorator(sensitive_post_parameters("consumer_name", "division", "mobile_last4"))
    def find_by_name_view(self, request: HttpRequest) -> HttpResponse:
        # A POST only: a name in a query string would reach the access logs. A GET shows the empty form.
        if not self.has_view_permission(request):
            raise PermissionDenied
        name_form = FindByNameForm(request.POST if request.method == "POST" else None)
        if request.method != "POST" or not name_form.is_valid():
            return self._find_page(request, FindMappingForm(), name_form)
        found, more = mappings_found_by_name(
            name=name_form.cleaned_data["consumer_name"],
            division=name_form.cleaned_data["division"],
            mobile_last4=name_form.cleaned_data["mobile_last4"],
        )
        self._find_done(request, method="name", mapping_ids=[mapping.pk for mapping in found])
        if not found:
            messages.warning(request, _("No mapping has this name with this division and mobile."))
        return self._find_page(request, FindMappingForm(), name_form, found=found, more=more)
