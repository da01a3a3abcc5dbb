"""The upload form of the import pages: which files the admin accepts before anything is stored."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_ACCEPTED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Mapping file"),
        help_text=gettext_lazy("CSV (comma, semicolon or tab separated) or XLSX; the first visible sheet is read."),
    )
    apply_when_valid = forms.BooleanField(
        label=gettext_lazy("Apply when valid"),
        required=False,
        help_text=gettext_lazy("Apply as soon as the check finishes, without waiting for a second click."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in _ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Only CSV and XLSX files can be imported."), code="unsupported_type")
        if uploaded.size > settings.IMPORTS_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _(
                    "This file is larger than %(megabytes)s MB. Split it into smaller files (each with the "
                    "header row) and import them one after the other."
                ),
                code="too_large",
                params={"megabytes": settings.IMPORTS_MAX_FILE_BYTES // (1024 * 1024)},
            )
        return uploaded
