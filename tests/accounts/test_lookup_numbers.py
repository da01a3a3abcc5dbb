"""The lookup's cheap check of the two numbers decides exactly as the form does."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.forms import LookupForm, lookup_numbers_clean

CASES = [
    {"old_account_number": "12345678", "mobile_last4": "4321"},
    {"old_account_number": " 1234-5678 ", "mobile_last4": "४३२१"},
    {"old_account_number": "", "mobile_last4": ""},
    {},
    {"old_account_number": "12345678"},
    {"old_account_number": "1234abcd", "mobile_last4": "43"},
    {"old_account_number": "1" * 41, "mobile_last4": "4" * 21},
    {"old_account_number": "1234\x005678", "mobile_last4": "43\x0021"},
    {"old_account_number": "   ", "mobile_last4": "12345"},
]


@pytest.mark.parametrize("language", ["hi", "en"])
@pytest.mark.parametrize("data", CASES)
def test_it_decides_as_the_form_does_with_the_same_messages(data, language):
    with translation.override(language):
        form = LookupForm(data)
        valid = form.is_valid()
        numbers, errors = lookup_numbers_clean(data)
        assert errors == {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        assert bool(errors) is not valid
        if valid:
            assert numbers == form.cleaned_data


def test_it_names_each_mistake_in_the_consumers_language():
    with translation.override("hi"):
        _numbers, errors = lookup_numbers_clean({})
    assert set(errors) == {"old_account_number", "mobile_last4"}
    assert all(not message.isascii() for messages in errors.values() for message in messages)
