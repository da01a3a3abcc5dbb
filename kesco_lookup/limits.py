"""Site-wide rate limiting on django-ratelimit: the client's address, and named rules checked by it.

Rules are named in settings.RATE_LIMITS; each app's own limits module picks the ones its pages
count. A cache that cannot count raises LimiterUnavailable, and the page closes (503). Why: README,
'Rate limits'.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from dataclasses import dataclass
from functools import cache as memoise

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


class LimiterUnavailable(Exception):
    """The rate-limit store (the cache) did not answer."""


@dataclass(frozen=True)
class Limited:
    retry_after_seconds: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


@memoise
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES)


def is_trusted_proxy(address: str) -> bool:
    """Whether a peer address is one of TRUSTED_PROXIES (then its forwarded headers are believed)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


def client_ip(request: HttpRequest) -> str:
    """The address a request came from, as django-ratelimit's RATELIMIT_IP_META_KEY.

    REMOTE_ADDR, unless the peer is in TRUSTED_PROXIES: then X-Forwarded-For, read from the right,
    skipping our own proxies.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if is_trusted_proxy(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            # A garbled hop means the chain cannot be trusted beyond our proxy.
            return remote
    return remote


def _usage(request: HttpRequest, rule: str, key: object, *, increment: bool) -> dict | None:
    try:
        return get_usage(request, group=rule, key=key, rate=settings.RATE_LIMITS[rule], increment=increment)
    except Exception as error:  # any cache failure: connection refused, timeout, disk error
        logger.warning("rate-limit store unavailable for rule %s: %s", rule, type(error).__name__)
        raise LimiterUnavailable from error


def rules_check(
    request: HttpRequest, rules: tuple[str, ...], key: object = "ip", *, increment: bool = True
) -> Limited | None:
    """Check (and by default count) a request under named rules; the longest wait if over any."""
    worst: Limited | None = None
    for rule in rules:
        usage = _usage(request, rule, key, increment=increment)
        if usage is None:  # RATELIMIT_ENABLE is off
            continue
        if usage["time_left"] == -1 and usage["limit"] == 0:
            # django-ratelimit's sign that the cache failed to count (RATELIMIT_FAIL_OPEN is off): a
            # limit of 0 with -1 left. A time left of -1 alone also happens when the window ends on
            # the second get_usage reads the clock and the clock ticks before its second reading.
            raise LimiterUnavailable
        # A counting check is over once it passes the limit; a peek (increment=False) is over
        # once the limit is reached, because the attempt it guards has not been counted yet.
        over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
        if over:
            limited = Limited(retry_after_seconds=max(1, int(usage["time_left"])))
            if worst is None or limited.retry_after_seconds > worst.retry_after_seconds:
                worst = limited
    return worst
