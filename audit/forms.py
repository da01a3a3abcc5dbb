"""The audit page's filter: staff usernames, an action and IST dates, so a GET form is fine here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (username)"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditEntry.Action.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(None, _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The filters that were valid: a bad date is reported on the form and simply not applied."""
        if not self.is_bound:
            return {}
        self.is_valid()
        # An inverted date range is shown as an error and ignored whole, not half applied.
        names = ("person", "action") if self.non_field_errors() else ("person", "action", "date_from", "date_to")
        return {
            name: self.cleaned_data[name] for name in names if self.cleaned_data.get(name) and name not in self.errors
        }
