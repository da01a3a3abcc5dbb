"""Is this message really from KESCO? A pure function from pasted text to a verdict with reasons.

It never opens, fetches or resolves anything (docs/safety.md, "How the checker decides"). One module
per job: the text cleaning, each kind of item (links, phones, UPI, sender IDs), the scam phrases and
the verdict; every public name is importable from here.
"""

from __future__ import annotations

from safety.checker.findings import CheckResult, Finding, ItemKind, Verdict
from safety.checker.links import SHORTENERS, Link, extract_links, registered_domain
from safety.checker.phones import extract_phones, normalise_phone
from safety.checker.phrases import SCAM_PHRASES, ScamPhrase, find_scam_phrases
from safety.checker.registry import Registry
from safety.checker.senders import extract_sender_ids
from safety.checker.text import normalise_text
from safety.checker.upi import UpiPayment, extract_upi_ids, judge_upi_id, upi_payment_findings, upi_payment_parse
from safety.checker.verdict import check_message, result_of

__all__ = [
    "SCAM_PHRASES",
    "SHORTENERS",
    "CheckResult",
    "Finding",
    "ItemKind",
    "Link",
    "Registry",
    "ScamPhrase",
    "UpiPayment",
    "Verdict",
    "check_message",
    "extract_links",
    "extract_phones",
    "extract_sender_ids",
    "extract_upi_ids",
    "find_scam_phrases",
    "judge_upi_id",
    "normalise_phone",
    "normalise_text",
    "registered_domain",
    "result_of",
    "upi_payment_findings",
    "upi_payment_parse",
]
