"""Per-address rate limits on the safety pages (rules named in settings.RATE_LIMITS).

Same behaviour as the lookup's limits (accounts/limits.py): keyed by the client address that
accounts.limits.client_ip resolves, and a cache that cannot count closes the page (503) rather
than leave it unlimited.
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.limits import Limited, rules_check

CHECK_RULES = ("safety_check_per_ip_minute", "safety_check_per_ip_day")
QR_RULES = ("safety_qr_per_ip_minute", "safety_qr_per_ip_day")
REPORT_RULES = ("safety_report_per_ip_hour", "safety_report_per_ip_day")
# Decoding any picture costs far more than reading text, whichever page it comes from: a report's
# screenshot is counted against the same allowance as a QR code, so that alternating between the
# two pages buys no extra decoding.
IMAGE_RULES = QR_RULES


def ip_limit_hit(request: HttpRequest, rules: tuple[str, ...], *, count: bool = True) -> Limited | None:
    """Count this request against the caller's address under each rule; the longest wait if over.

    With count=False only look: whether the address has already used up its allowance.
    """
    return rules_check(request, rules, increment=count)
