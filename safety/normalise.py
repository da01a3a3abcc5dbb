"""The one place that turns what a consumer typed about a suspect into the key reports are grouped by."""

from __future__ import annotations

from safety.checker import normalise_phone


def normalise_suspect(raw: str) -> str:
    """A phone number as E.164, a sender ID in upper case (VM-UPPCLT -> UPPCLT), else the text trimmed."""
    raw = raw.strip()
    if not raw:
        return ""
    phone = normalise_phone(raw)
    if phone:
        return phone
    compact = raw.upper().replace(" ", "")
    parts = compact.split("-")
    if len(parts) in (2, 3) and len(parts[0]) == 2 and len(parts[1]) == 6 and parts[1].isalnum():
        return parts[1]
    return compact[:40]
