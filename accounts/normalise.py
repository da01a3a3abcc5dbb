"""The one place that turns what people type (or Excel exports) into an account number.

Used by the lookup page, the API and the importer, so all three agree on what a number is.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Separators people and spreadsheets put inside numbers: spaces of every kind, hyphens and dashes,
# dots and slashes. Anything else that is not a digit is refused rather than silently dropped.
_SEPARATORS = frozenset(" \t\u00a0\u2009\u202f\u3000-\u2010\u2011\u2012\u2013\u2014\u2212./")


def _ascii_digits(raw: str) -> str:
    digits: list[str] = []
    for char in raw:
        if char in _SEPARATORS or char.isspace():
            continue
        if char.isdecimal():
            # Devanagari ०-९ and every other Unicode decimal digit become ASCII 0-9.
            digits.append(str(unicodedata.decimal(char)))
            continue
        raise ValidationError(
            _("An account number has digits only (0-9 or ०-९). Please remove letters and other signs."),
            code="not_digits",
        )
    return "".join(digits)


def normalise_digits(raw: object, *, min_length: int, max_length: int) -> str:
    """Return the ASCII digits of ``raw`` (leading zeros kept) or raise ValidationError."""
    if raw is None or not isinstance(raw, str):
        raise ValidationError(_("Please enter the number as text."), code="not_text")
    digits = _ascii_digits(raw.strip())
    if not digits:
        raise ValidationError(_("Please enter your account number."), code="empty")
    if not min_length <= len(digits) <= max_length:
        if min_length == max_length:
            message = _("This number must have %(min)s digits; it has %(count)s.")
        else:
            message = _("This number must have %(min)s to %(max)s digits; it has %(count)s.")
        raise ValidationError(
            message,
            code="wrong_length",
            params={"min": min_length, "max": max_length, "count": len(digits)},
        )
    return digits


def normalise_old_account_number(raw: object) -> str:
    return normalise_digits(
        raw,
        min_length=settings.OLD_ACCOUNT_NUMBER_MIN_LENGTH,
        max_length=settings.OLD_ACCOUNT_NUMBER_MAX_LENGTH,
    )


def normalise_new_account_number(raw: object) -> str:
    return normalise_digits(
        raw,
        min_length=settings.NEW_ACCOUNT_NUMBER_LENGTH,
        max_length=settings.NEW_ACCOUNT_NUMBER_LENGTH,
    )


def normalise_mobile_last4(raw: object) -> str:
    """The last four digits of a mobile, typed by a consumer: exactly four digits."""
    try:
        return normalise_digits(raw, min_length=4, max_length=4)
    except ValidationError as error:
        raise ValidationError(
            _("Please enter exactly the last 4 digits of your registered mobile number."),
            code=error.code,
        ) from None


# Marks a name may carry or not, depending on who typed it: Latin accents (NFKD splits them off),
# the Devanagari nukta (ज़/ज) and the chandrabindu, written as an anusvara by many (ँ/ं).
_DROPPED_MARKS = frozenset("\u093c")
_SAME_MARKS = str.maketrans({"\u0901": "\u0902"})


def name_key(text: str) -> str:
    """A name as the support desk's find compares it: no case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        char
        for char in decomposed
        if char not in _DROPPED_MARKS and not ("\u0300" <= char <= "\u036f")  # combining Latin accents
    )
    return " ".join(unicodedata.normalize("NFC", kept).translate(_SAME_MARKS).casefold().split())
