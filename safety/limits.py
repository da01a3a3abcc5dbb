"""Per-address rate limits on the safety pages (rules named in settings.RATE_LIMITS).

Same behaviour as the lookup's limits (accounts/limits.py): keyed by the client address that
accounts.limits.client_ip resolves, and a cache that cannot count closes the page (503) rather
than leave it unlimited.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from accounts.limits import Limited, LimiterUnavailable

logger = logging.getLogger(__name__)

CHECK_RULES = ("safety_check_per_ip_minute", "safety_check_per_ip_day")
QR_RULES = ("safety_qr_per_ip_minute", "safety_qr_per_ip_day")
REPORT_RULES = ("safety_report_per_ip_hour", "safety_report_per_ip_day")


def ip_limit_hit(request: HttpRequest, rules: tuple[str, ...]) -> Limited | None:
    """Count this request against the caller's address under each rule; the longest wait if over."""
    worst: Limited | None = None
    for rule in rules:
        try:
            usage = get_usage(request, group=rule, key="ip", rate=settings.RATE_LIMITS[rule], increment=True)
        except Exception as error:  # any cache failure: connection refused, timeout, disk error
            logger.warning("rate-limit store unavailable for rule %s: %s", rule, type(error).__name__)
            raise LimiterUnavailable from error
        if usage is None:  # RATELIMIT_ENABLE is off
            continue
        if usage["time_left"] == -1:
            raise LimiterUnavailable
        if usage["should_limit"]:
            limited = Limited(retry_after_seconds=max(1, int(usage["time_left"])))
            if worst is None or limited.retry_after_seconds > worst.retry_after_seconds:
                worst = limited
    return worst
