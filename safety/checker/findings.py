"""What the checker answers: a finding per item or phrase, and the verdict over them all."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    OFFICIAL = "official"
    SCAM = "scam"
    UNSURE = "unsure"


class ItemKind(StrEnum):
    LINK = "link"
    PHONE = "phone"
    UPI = "upi"
    SENDER_ID = "sender_id"
    PHRASE = "phrase"


@dataclass(frozen=True)
class Finding:
    kind: ItemKind
    shown: str  # the item as we understood it (a domain, an E.164 number, a UPI ID...)
    is_official: bool
    reason: str  # translated, for the consumer
    is_demo: bool = False  # official only as demo data, not yet verified by staff


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    findings: tuple[Finding, ...]

    @property
    def items(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is not ItemKind.PHRASE)

    @property
    def phrases(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is ItemKind.PHRASE)
