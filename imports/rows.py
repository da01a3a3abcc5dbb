"""Checks one row on its own: numbers through the project's normaliser, mobile cut to its last four digits.

Checks that need the whole file (conflicts, duplicates) or the live table (numbers taken) are
set-based SQL in imports/services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.normalise import normalise_digits, normalise_new_account_number, normalise_old_account_number
from imports.reader import RawRow, raw_number_problem

NAME_MAX = 200
DIVISION_MAX = 100
RAW_MAX = 100
_MOBILE_SIGNS = dict.fromkeys(map(ord, "+()"), None)
_MOBILE_SEPARATORS = dict.fromkeys(map(ord, "+() -"), None)


@dataclass(slots=True)
class CheckedRow:
    row_number: int
    old_raw: str
    new_raw: str
    old_account_number: str = ""
    new_account_number: str = ""
    consumer_name: str = ""
    division: str = ""
    mobile_last4: str = ""
    reason: str = ""


def _raw_text(value: object) -> str:
    if value is None:
        return ""
    return str(value)[:RAW_MAX]


def _number(value: object, *, normalise: Callable[[object], str], min_length: int, max_length: int, usual: int):
    """The normalised digits, or None when the value is not a number we may accept."""
    if isinstance(value, int) and not isinstance(value, bool):
        # An XLSX cell Excel kept as a number: any leading zero is already gone, so a number shorter
        # than the usual length is refused rather than guessed.
        text = str(value)
        if value < 0 or len(text) < usual:
            raise _Refused("excel_number")
        value = text
    if isinstance(value, str):
        # The fast path returns exactly what the normaliser would: plain ASCII digits of a valid
        # length come out unchanged. Everything else goes through the normaliser itself.
        stripped = value.strip()
        if stripped.isascii() and stripped.isdigit() and min_length <= len(stripped) <= max_length:
            return stripped
    return normalise(value if value is not None else "")


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _account_number(value: object, *, new: bool) -> str:
    problem = raw_number_problem(value)
    if problem:
        raise _Refused(problem)
    try:
        if new:
            length = settings.NEW_ACCOUNT_NUMBER_LENGTH
            return _number(
                value, normalise=normalise_new_account_number, min_length=length, max_length=length, usual=length
            )
        return _number(
            value,
            normalise=normalise_old_account_number,
            min_length=settings.OLD_ACCOUNT_NUMBER_MIN_LENGTH,
            max_length=settings.OLD_ACCOUNT_NUMBER_MAX_LENGTH,
            usual=settings.OLD_ACCOUNT_NUMBER_LENGTH,
        )
    except ValidationError:
        raise _Refused("invalid_new" if new else "invalid_old") from None


def mobile_last4(value: object) -> str:
    """Last four digits of a plausible Indian mobile (9876543210, +91 98765 43210, 09876543210).

    A blank cell gives ''. Anything else that is not such a mobile raises _Refused("invalid_mobile").
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, (bool, float)):
        raise _Refused("invalid_mobile")
    text = str(value)
    digits = text.translate(_MOBILE_SEPARATORS)
    if not (digits.isascii() and digits.isdigit() and 10 <= len(digits) <= 12):
        # Anything but plain digits and separators (Devanagari digits, odd spaces) goes the long way.
        try:
            digits = normalise_digits(text.translate(_MOBILE_SIGNS), min_length=10, max_length=12)
        except ValidationError:
            raise _Refused("invalid_mobile") from None
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "6789":
        raise _Refused("invalid_mobile")
    return digits[-4:]


def _text(value: object, *, limit: int) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise _Refused("too_long")
    return text


@dataclass(frozen=True, slots=True)
class Lengths:
    """Account number lengths from settings, read once per file rather than per row."""

    old_min: int
    old_max: int
    new: int

    @classmethod
    def from_settings(cls) -> Lengths:
        return cls(
            old_min=settings.OLD_ACCOUNT_NUMBER_MIN_LENGTH,
            old_max=settings.OLD_ACCOUNT_NUMBER_MAX_LENGTH,
            new=settings.NEW_ACCOUNT_NUMBER_LENGTH,
        )


def row_check(raw: RawRow, lengths: Lengths | None = None) -> CheckedRow:
    values = raw.values
    old_value, new_value = values.get("old"), values.get("new")
    lengths = lengths or Lengths.from_settings()
    if type(old_value) is str and type(new_value) is str:
        # The common row, in a hurry: plain ASCII digits of valid lengths are exactly what the
        # normaliser would return, so they skip it. Anything else takes the full path below.
        old, new = old_value.strip(), new_value.strip()
        if (
            old.isdigit()
            and new.isdigit()
            and old.isascii()
            and new.isascii()
            and lengths.old_min <= len(old) <= lengths.old_max
            and len(new) == lengths.new
            and old != new
        ):
            try:
                # Positional arguments, in field order: measurably faster than keywords, per row.
                return CheckedRow(
                    raw.row_number,
                    old_value[:RAW_MAX],
                    new_value[:RAW_MAX],
                    old,
                    new,
                    _text(values.get("name"), limit=NAME_MAX),
                    _text(values.get("division"), limit=DIVISION_MAX),
                    mobile_last4(values.get("mobile")),
                )
            except _Refused:
                pass  # the full path below records the reason
    row = CheckedRow(row_number=raw.row_number, old_raw=_raw_text(old_value), new_raw=_raw_text(new_value))
    try:
        row.old_account_number = _account_number(old_value, new=False)
        row.new_account_number = _account_number(new_value, new=True)
        if row.old_account_number == row.new_account_number:
            raise _Refused("old_is_a_new_number")
        row.mobile_last4 = mobile_last4(values.get("mobile"))
        row.consumer_name = _text(values.get("name"), limit=NAME_MAX)
        row.division = _text(values.get("division"), limit=DIVISION_MAX)
    except _Refused as refused:
        row.reason = refused.reason
        row.old_account_number = row.new_account_number = ""
        row.consumer_name, row.division, row.mobile_last4 = (
            _raw_text(values.get("name")),
            _raw_text(values.get("division")),
            row.mobile_last4,
        )
    return row
