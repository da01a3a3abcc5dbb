"""One row on its own: Excel damage caught before the normaliser, mobiles cut to four digits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.normalise import normalise_new_account_number, normalise_old_account_number
from imports.reader import RawRow
from imports.rows import row_check


def _check(old: object = "12345678", new: object = "2640000001", **values: object):
    return row_check(RawRow(row_number=2, values={"old": old, "new": new, **values}))


@pytest.mark.parametrize("value", ["2.64E+09", "2.64e9", "2,64E+09", "1E10", " 2.640000001E+09 "])
def test_it_rejects_scientific_notation_and_never_guesses_digits(value: str) -> None:
    row = _check(new=value)

    assert row.reason == "scientific_notation"
    assert row.new_account_number == ""


@pytest.mark.parametrize("value", ["12345678.0", "12345678.00", "12345678,0", 12345678.0])
def test_it_rejects_a_number_excel_turned_into_a_decimal(value: object) -> None:
    # The normaliser strips dots: 12345678.0 would become the wrong 9-digit number 123456780.
    assert _check(old=value).reason == "excel_number"


@pytest.mark.parametrize(
    ("old", "reason"),
    [("1234567A", "invalid_old"), ("12345", "invalid_old"), ("1234567890123", "invalid_old"), ("", "invalid_old")],
)
def test_it_refuses_an_old_number_that_does_not_normalise(old: str, reason: str) -> None:
    assert _check(old=old).reason == reason


@pytest.mark.parametrize("new", ["264000000", "26400000011", "26400000O1", None])
def test_it_refuses_a_new_number_that_does_not_normalise(new: object) -> None:
    assert _check(new=new).reason == "invalid_new"


def test_it_normalises_devanagari_digits_spaces_and_hyphens_and_keeps_leading_zeros() -> None:
    row = _check(old="०१२३-४५६७", new="0640 000 001")

    assert (row.reason, row.old_account_number, row.new_account_number) == ("", "01234567", "0640000001")


@pytest.mark.parametrize(
    ("mobile", "last4"),
    [("9876543210", "3210"), ("+91 98765 43210", "3210"), ("09876543210", "3210"), ("919876543210", "3210"), ("", "")],
)
def test_it_keeps_only_the_last_four_digits_of_a_mobile(mobile: str, last4: str) -> None:
    row = _check(mobile=mobile)

    assert (row.reason, row.mobile_last4) == ("", last4)


@pytest.mark.parametrize(
    "mobile", ["12345", "1234567890", "98765x43210", "9.87654E+09", 9876543210.0, "+44 98765 43210", "19876543210"]
)
def test_it_refuses_a_mobile_that_is_not_a_plausible_indian_mobile(mobile: object) -> None:
    row = _check(mobile=mobile)

    assert row.reason == "invalid_mobile"
    assert row.mobile_last4 == ""


def test_it_refuses_a_name_too_long_for_the_table() -> None:
    assert _check(name="x" * 201).reason == "too_long"


@given(st.text(alphabet="0123456789०१२३४५६७८९ -", max_size=16))
def test_its_fast_path_agrees_with_the_normaliser(raw: str) -> None:
    for normalise, kind in ((normalise_old_account_number, "old"), (normalise_new_account_number, "new")):
        try:
            expected = normalise(raw)
        except ValidationError:
            expected = None
        row = _check(**{kind: raw})
        got = row.old_account_number if kind == "old" else row.new_account_number
        assert (got or None) == expected
