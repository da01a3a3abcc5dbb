"""The one normaliser shared by the page, the API and the importer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.normalise import (
    normalise_digits,
    normalise_mobile_last4,
    normalise_new_account_number,
    normalise_old_account_number,
)

DEVANAGARI = "०१२३४५६७८९"
SEPARATORS = [" ", "-", ".", "/", "\u00a0", "\u2013"]


def test_it_strips_spaces_hyphens_dots_and_slashes():
    assert normalise_old_account_number(" 1234-5678 ") == "12345678"
    assert normalise_old_account_number("12.34/56 78") == "12345678"


def test_it_turns_devanagari_digits_into_ascii():
    assert normalise_old_account_number("१२३४५६७८") == "12345678"


def test_it_turns_other_unicode_decimal_digits_into_ascii():
    # Bengali and full-width digits, as some phone keyboards send them.
    assert normalise_old_account_number("১২৩৪৫৬৭৮") == "12345678"
    assert normalise_old_account_number("１２３４５６７８") == "12345678"


def test_it_keeps_leading_zeros():
    assert normalise_old_account_number("00123456") == "00123456"


@pytest.mark.parametrize("raw", ["1234567a", "12345678!", "2.64E+09", "१२३४५६७x", "12,345,678"])
def test_it_rejects_anything_but_digits_and_separators(raw):
    with pytest.raises(ValidationError) as error:
        normalise_old_account_number(raw)
    assert error.value.code == "not_digits"


@pytest.mark.parametrize("raw", ["", "   ", "- -"])
def test_it_rejects_empty_input(raw):
    with pytest.raises(ValidationError) as error:
        normalise_old_account_number(raw)
    assert error.value.code == "empty"


def test_it_accepts_six_to_twelve_digits_for_old_numbers():
    assert normalise_old_account_number("123456") == "123456"
    assert normalise_old_account_number("123456789012") == "123456789012"
    for raw in ("12345", "1234567890123"):
        with pytest.raises(ValidationError) as error:
            normalise_old_account_number(raw)
        assert error.value.code == "wrong_length"


def test_it_takes_lengths_from_settings(settings):
    settings.OLD_ACCOUNT_NUMBER_MIN_LENGTH = 8
    settings.OLD_ACCOUNT_NUMBER_MAX_LENGTH = 8
    with pytest.raises(ValidationError):
        normalise_old_account_number("123456")
    settings.NEW_ACCOUNT_NUMBER_LENGTH = 11
    assert normalise_new_account_number("12345678901") == "12345678901"


def test_it_wants_exactly_ten_digits_for_new_numbers():
    assert normalise_new_account_number("99 1234 5678") == "9912345678"
    with pytest.raises(ValidationError):
        normalise_new_account_number("991234567")


def test_it_explains_the_length_in_the_message():
    with pytest.raises(ValidationError) as error:
        normalise_old_account_number("12345")
    assert "6" in error.value.messages[0] and "12" in error.value.messages[0] and "5" in error.value.messages[0]


def test_it_refuses_values_that_are_not_text():
    with pytest.raises(ValidationError):
        normalise_old_account_number(12345678)


def test_it_wants_exactly_four_mobile_digits():
    assert normalise_mobile_last4("४३२१") == "4321"
    for raw in ("321", "54321", "43a1"):
        with pytest.raises(ValidationError):
            normalise_mobile_last4(raw)


digits_text = st.text(alphabet="0123456789", min_size=6, max_size=12)


@given(digits=digits_text)
def test_it_leaves_plain_ascii_digits_unchanged(digits):
    assert normalise_old_account_number(digits) == digits


@given(digits=digits_text)
def test_it_reads_devanagari_as_the_same_number(digits):
    devanagari = "".join(DEVANAGARI[int(d)] for d in digits)
    assert normalise_old_account_number(devanagari) == digits


@given(digits=digits_text, data=st.data())
def test_it_ignores_separators_wherever_they_stand(digits, data):
    pieces = []
    for digit in digits:
        pieces.append(data.draw(st.sampled_from(["", *SEPARATORS])))
        pieces.append(digit)
    assert normalise_old_account_number("".join(pieces)) == digits


@given(raw=st.text(max_size=30))
def test_it_either_returns_ascii_digits_or_raises_a_validation_error(raw):
    try:
        result = normalise_digits(raw, min_length=6, max_length=12)
    except ValidationError as error:
        assert error.code in {"not_digits", "empty", "wrong_length"}
    else:
        assert result.isascii() and result.isdigit() and 6 <= len(result) <= 12


@given(digits=digits_text)
def test_it_is_idempotent(digits):
    once = normalise_old_account_number(digits)
    assert normalise_old_account_number(once) == once
