"""Per-address rate limits on the safety pages: the rules (named in settings.RATE_LIMITS) each page
counts, on the site-wide machinery in kesco_lookup/limits.py."""

from __future__ import annotations

from django.http import HttpRequest

from kesco_lookup.limits import Limited, rules_check

CHECK_RULES = ("safety_check_per_ip_minute", "safety_check_per_ip_day")
QR_RULES = ("safety_qr_per_ip_minute", "safety_qr_per_ip_day")
REPORT_RULES = ("safety_report_per_ip_hour", "safety_report_per_ip_day")
# A report's screenshot counts with the QR codes: one allowance per address for decoding pictures,
# whichever page sends them (docs/safety.md, 'Limits').
IMAGE_RULES = QR_RULES


def ip_limit_hit(request: HttpRequest, rules: tuple[str, ...], *, count: bool = True) -> Limited | None:
    """Count this request against the caller's address under each rule; the longest wait if over.

    With count=False only look: whether the address has already used up its allowance.
    """
    return rules_check(request, rules, increment=count)
