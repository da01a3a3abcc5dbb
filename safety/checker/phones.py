"""Phone numbers in a pasted text, as E.164 or an official short code, and how each is judged."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext as _

from safety.checker.findings import Finding, ItemKind
from safety.checker.registry import Registry
from safety.checker.text import clean

# Short codes people are told to call (helplines) are 3-5 digits; only the ones in the registry
# count as phone numbers, since any other short number in a message is more likely an amount.
# Not a group of a longer number written with separators (+91-600-000-1912).
_SHORT_NUMBER_RE = re.compile(r"(?<![\d+])(?<!\d[-\s.])\d{3,5}(?![-\s.]?\d)")


def normalise_phone(raw: str) -> str:
    """E.164 (+91...) for an Indian or international number, the digits for a short code, or ''."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
    if 3 <= len(digits) <= 5 and not raw.strip().startswith("+"):
        return digits
    try:
        number = phonenumbers.parse(raw, "IN")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def extract_phones(text: str, registry: Registry) -> list[str]:
    """Every phone number in the text, as E.164 or as an official short code."""
    text = clean(text)
    found: list[str] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "IN"):
        raw = match.raw_string.strip()
        number = match.number
        national = str(number.national_number)
        prefixed = raw.startswith(("+", "0")) or (raw.startswith("91") and len(re.sub(r"\D", "", raw)) == 12)
        # A bare 10-digit number that is not a mobile is more likely an account number than a
        # landline: new account numbers have 10 digits too. Landlines count with their 0 or +91.
        if not prefixed and not (len(national) == 10 and national[0] in "6789"):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in found:
            found.append(e164)
    for match in _SHORT_NUMBER_RE.finditer(text):
        if match.group(0) in registry.phones and match.group(0) not in found:
            found.append(match.group(0))
    return found


def judge_phone(number: str, registry: Registry) -> Finding:
    if number in registry.phones:
        return Finding(ItemKind.PHONE, number, True, _("An official KESCO number."), is_demo=registry.phones[number])
    return Finding(
        ItemKind.PHONE, number, False, _("This number is not in KESCO's list of official numbers. Do not call it.")
    )
