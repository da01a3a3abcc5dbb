"""UPI IDs and upi://pay payment links in a pasted text or a QR code, judged by their payee alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from django.utils.translation import gettext as _

from safety.checker.findings import Finding, ItemKind
from safety.checker.registry import Registry
from safety.checker.text import clean, shortened

# handle@psp, where the PSP part has no dot (an e-mail address has one: name@gmail.com).
_UPI_RE = re.compile(r"(?<![\w.@-])([a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63})(?![\w@-]|\.[a-z])", re.I)


def extract_upi_ids(text: str) -> list[str]:
    text = clean(text)
    found: list[str] = []
    for match in _UPI_RE.finditer(text):
        upi_id = match.group(1).lower()
        if upi_id not in found:
            found.append(upi_id)
    return found


def judge_upi_id(upi_id: str, registry: Registry) -> Finding:
    """Official only when the whole ID, as given, is a registered one (compared in lower case)."""
    if upi_id in registry.upi_ids:
        return Finding(ItemKind.UPI, upi_id, True, _("An official KESCO UPI ID."), is_demo=registry.upi_ids[upi_id])
    return Finding(ItemKind.UPI, upi_id, False, _("This UPI ID is not KESCO's. Money sent to it goes to someone else."))


# A payment link as SMS, WhatsApp and QR codes carry it: tapping it opens a payment app.
UPI_LINK_RE = re.compile(r"""(?i)upi:[^\s<>"'`]+""")
_UPI_PAY_RE = re.compile(r"(?i)\s*upi:[/\\]*pay/?(?:[?#]|\s*$)")


@dataclass(frozen=True)
class UpiPayment:
    payee_upi_ids: tuple[str, ...]  # every pa= in the code, each whole, trimmed, lower case
    payee_name: str
    amount: str  # as written in the code, e.g. "10.00"; empty when the payer types it
    repeated: tuple[str, ...] = ()  # parameters given more than once ("pa", "am")


def upi_payment_parse(text: str) -> UpiPayment | None:
    """The payees, name and amount of a upi://pay link (any number of slashes: upi:pay too), else None."""
    if not _UPI_PAY_RE.match(text):
        return None
    # Everything after the "?", fragment included: an app that splits on "&" alone would read a
    # payee hidden after a "#". Names in any case: "PA" may be read as "pa".
    pairs = [(key.strip().lower(), value) for key, value in parse_qsl(text.partition("?")[2], keep_blank_values=True)]
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    amount = (values.get("am") or [""])[0].strip()
    try:
        amount = str(Decimal(amount)) if amount and Decimal(amount).is_finite() else ""
    except InvalidOperation:
        amount = ""
    return UpiPayment(
        payee_upi_ids=tuple(dict.fromkeys(value.strip().lower() for value in values.get("pa", []))),
        payee_name=(values.get("pn") or [""])[0].strip()[:100],
        amount=amount,
        repeated=tuple(key for key, given in values.items() if len(given) > 1),
    )


def upi_payment_findings(upi: UpiPayment, registry: Registry) -> list[Finding]:
    """Judge a payment link by its payees, each compared whole; no payee or a repeated parameter is a scam.

    The name in it counts for nothing: it is whatever its maker typed. Why: docs/safety.md, "Check a QR code".
    """
    findings = []
    if upi.repeated:
        reason = _(
            "This code gives %(names)s more than once. A payment app may use a different one from the one "
            "shown. KESCO's codes never do this."
        ) % {"names": shortened(", ".join(upi.repeated), 40)}
        shown = shortened(", ".join(f"{name}=…" for name in upi.repeated), 80)
        findings.append(Finding(ItemKind.UPI, shown, False, reason))
    for payee in upi.payee_upi_ids:
        finding = judge_upi_id(payee, registry)
        findings.append(replace(finding, shown=shortened(payee, 80)))
    if not upi.payee_upi_ids:
        reason = _("This payment code names no payee UPI ID we can check.")
        findings.append(Finding(ItemKind.UPI, "-", False, reason))
    return findings
