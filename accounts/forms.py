"""Forms that parse what a consumer sends to the lookup."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.normalise import normalise_mobile_last4, normalise_old_account_number


class LookupForm(forms.Form):
    # Generous max_length: people paste numbers with spaces and dashes; the normaliser decides.
    old_account_number = forms.CharField(
        label=_("Old account number"),
        max_length=40,
        help_text=_("The number on your bills before the upgrade, usually 8 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        # Django's Hindi catalogue leaves its own messages for these two in English; ours say what to do.
        error_messages={
            "required": _("Please enter your old account number."),
            "max_length": _("This is too long for an account number."),
            "null_characters_not_allowed": _(
                "An account number has digits only (0-9 or ०-९). Please remove letters and other signs."
            ),
        },
    )
    mobile_last4 = forms.CharField(
        label=_("Last 4 digits of your registered mobile number"),
        max_length=20,
        help_text=_("We ask this so that people who know only your old account number cannot see your new one."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
        error_messages={
            "required": _("Please enter exactly the last 4 digits of your registered mobile number."),
            "max_length": _("This is too long. Please enter only the last 4 digits of your registered mobile number."),
            "null_characters_not_allowed": _(
                "Please enter exactly the last 4 digits of your registered mobile number."
            ),
        },
    )

    def clean_old_account_number(self) -> str:
        return normalise_old_account_number(self.cleaned_data["old_account_number"])

    def clean_mobile_last4(self) -> str:
        return normalise_mobile_last4(self.cleaned_data["mobile_last4"])


_NORMALISERS = (("old_account_number", normalise_old_account_number), ("mobile_last4", normalise_mobile_last4))


def lookup_numbers_clean(data: Mapping[str, object]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What LookupForm(data) decides (the cleaned numbers, or each field's messages), without building
    a form: the same fields' own checks and the same normalisers, minus the copying of every field a
    form makes, on the path of every lookup. Why: README, 'Speed'."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, normalise in _NORMALISERS:
        try:
            cleaned[name] = normalise(LookupForm.base_fields[name].clean(data.get(name)))
        except ValidationError as error:
            errors[name] = error.messages
    return cleaned, errors
