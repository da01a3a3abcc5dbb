"""Staff views of the mapping.

The changelist has no search box on purpose: the admin's search is a GET, which would put account
numbers into URLs and access logs. Support staff use "Find a mapping" instead, a POST form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccountMapping
from accounts.normalise import normalise_old_account_number


class FindMappingForm(forms.Form):
    account_number = forms.CharField(label=gettext_lazy("Old or new account number"), max_length=40)

    def clean_account_number(self) -> str:
        return normalise_old_account_number(self.cleaned_data["account_number"])


@admin.register(AccountMapping)
class AccountMappingAdmin(admin.ModelAdmin):
    list_display = ("old_account_number", "new_account_number", "division", "updated_at")
    list_filter = ("division",)
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False  # COUNT(*) over 750,000 rows on every page is wasted work.
    change_list_template = "admin/accounts/accountmapping/change_list.html"

    def get_urls(self) -> list:
        return [
            path("find/", self.admin_site.admin_view(self.find_view), name="accounts_accountmapping_find"),
            *super().get_urls(),
        ]

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
            if mapping:
                return HttpResponseRedirect(reverse("admin:accounts_accountmapping_change", args=[mapping.pk]))
            messages.warning(request, _("No mapping has this old or new number."))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": _("Find a mapping"),
        }
        return TemplateResponse(request, "admin/accounts/accountmapping/find.html", context)
