"""The safety pages really come out in Hindi (catalogue completeness: tests/kesco_lookup/test_translations.py)."""

from __future__ import annotations

import pytest
from django import forms

from safety.forms import CheckForm, QrForm, ReportForm


@pytest.mark.django_db
def test_the_check_result_is_in_hindi_by_default(client):
    html = client.post("/check/", {"message": "aaj raat bijli kat jayegi, call 9876543210"}).content.decode()
    assert "यह ठगी लगती है" in html
    assert "इसमें जल्द" in html
    assert "Likely a scam" not in html


# --- Form errors: our own words, in Hindi, never Django's defaults ---------------------------------


def _django_default_messages(field) -> dict[str, str]:
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _codes_a_consumer_can_meet(field) -> set[str]:
    codes = set(_django_default_messages(field)) | {validator.code for validator in field.validators}
    if not field.required:
        codes.discard("required")
    if getattr(field, "max_length", None) is None and isinstance(field, forms.FileField):
        codes.discard("max_length")  # a file name length, only checked when a limit is set
    return codes


@pytest.mark.parametrize("form_class", [CheckForm, QrForm, ReportForm], ids=lambda form: form.__name__)
def test_every_error_a_safety_form_can_show_is_our_own_message(form_class):
    # Django's defaults are English (or patchy Hindi) and some echo what was typed back to the page.
    defaults_left = []
    for name, field in form_class().fields.items():
        defaults = _django_default_messages(field)
        validator_defaults = {validator.code: str(validator.message) for validator in field.validators}
        for code in _codes_a_consumer_can_meet(field):
            message = field.error_messages.get(code)
            if message is None or message in (defaults.get(code), validator_defaults.get(code)):
                defaults_left.append(f"{name}:{code}")
    assert defaults_left == []


@pytest.mark.django_db
def test_an_invalid_choice_on_the_report_form_is_refused_in_hindi_without_echoing_it(client):
    html = client.post(
        "/report/", {"channel": "zzz-typed", "suspect": "9876543210", "money_lost": "perhaps-typed"}
    ).content.decode()
    assert "zzz-typed" not in html
    assert "perhaps-typed" not in html
    # Each of the two fields: once in the summary at the top of the form, once beside the field.
    assert html.count("कृपया दिखाए गए विकल्पों में से एक चुनें।") == 4
    assert "Select a valid choice" not in html


@pytest.mark.django_db
def test_a_null_character_in_a_message_is_refused_in_hindi(client):
    html = client.post("/check/", {"message": "VM-UPPCLT\x00 pay now"}).content.decode()
    assert "Null characters" not in html
    assert "इस पाठ में ऐसे अक्षर हैं" in html
