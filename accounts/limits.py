"""Rate limits on the lookup, built on django-ratelimit.

Two kinds of limit, named in settings.RATE_LIMITS:
- per client address, on every lookup request (page and API share the counters);
- per old account number, on failed lookups only, counted for any number typed whether it exists
  or not, so that being limited reveals nothing about the number.

When the cache cannot be reached the lookup is closed (503), never opened: an unlimited lookup is
exactly what someone holding lists of stolen old numbers wants.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

_IP_RULES = ("lookup_per_ip_minute", "lookup_per_ip_day")
_ACCOUNT_RULES = ("lookup_failures_per_account_hour", "lookup_failures_per_account_day")


class LimiterUnavailable(Exception):
    """The rate-limit store (the cache) did not answer."""


@dataclass(frozen=True)
class Limited:
    retry_after_seconds: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


@cache
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


def client_ip(request: HttpRequest) -> str:
    """The address a request came from, as django-ratelimit's RATELIMIT_IP_META_KEY.

    REMOTE_ADDR, unless the connecting peer is a configured trusted proxy: only then is
    X-Forwarded-For read, from the right, skipping our own proxies. A header sent by anyone else
    is ignored, so spoofing it buys no extra attempts.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if _is_trusted(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            # A garbled hop means the chain cannot be trusted beyond our proxy.
            return remote
    return remote


def _usage(request: HttpRequest, rule: str, key: str, *, increment: bool) -> dict | None:
    try:
        return get_usage(request, group=rule, key=key, rate=settings.RATE_LIMITS[rule], increment=increment)
    except Exception as error:  # any cache failure: connection refused, timeout, disk error
        logger.warning("rate-limit store unavailable for rule %s: %s", rule, type(error).__name__)
        raise LimiterUnavailable from error


def rules_check(
    request: HttpRequest, rules: tuple[str, ...], key: object = "ip", *, increment: bool = True
) -> Limited | None:
    """Check (and by default count) a request under named rules; the longest wait if over any.

    Shared by every rate-limited page (the lookup here, the safety pages in safety/limits.py).
    """
    worst: Limited | None = None
    for rule in rules:
        usage = _usage(request, rule, key, increment=increment)
        if usage is None:  # RATELIMIT_ENABLE is off
            continue
        if usage["time_left"] == -1:
            # django-ratelimit's sign that the cache failed to count (RATELIMIT_FAIL_OPEN is off).
            raise LimiterUnavailable
        # A counting check is over once it passes the limit; a peek (increment=False) is over
        # once the limit is reached, because the attempt it guards has not been counted yet.
        over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
        if over:
            limited = Limited(retry_after_seconds=max(1, int(usage["time_left"])))
            if worst is None or limited.retry_after_seconds > worst.retry_after_seconds:
                worst = limited
    return worst


def _account_key(account_number: str):
    # django-ratelimit hashes the key value before it reaches the cache: no number is stored in clear.
    return lambda _group, _request: account_number


def lookup_ip_limit_hit(request: HttpRequest) -> Limited | None:
    """Count this lookup request against the caller's address; say whether it is over a limit."""
    return rules_check(request, _IP_RULES, "ip", increment=True)


def lookup_account_limit_hit(request: HttpRequest, account_number: str) -> Limited | None:
    """Whether this old number has had too many failed lookups (does not count this one)."""
    return rules_check(request, _ACCOUNT_RULES, _account_key(account_number), increment=False)


def lookup_account_failure_record(request: HttpRequest, account_number: str) -> None:
    """Count one failed lookup against the number typed."""
    rules_check(request, _ACCOUNT_RULES, _account_key(account_number), increment=True)
