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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache as memoise

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
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


@memoise
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


def _account_digest(account_number: str) -> str:
    # django-ratelimit hashes its key with plain SHA-256, which anyone holding a copy of the cache
    # could reverse by trying all 10^8 old numbers in minutes. Keyed with the secret key, the cache
    # holds nothing that leads back to a number.
    return salted_hmac("accounts.limits.account", account_number, algorithm="sha256").hexdigest()


def _account_key(account_number: str):
    digest = _account_digest(account_number)
    return lambda _group, _request: digest


def lookup_ip_limit_hit(request: HttpRequest) -> Limited | None:
    """Count this lookup request against the caller's address; say whether it is over a limit."""
    return rules_check(request, _IP_RULES, "ip", increment=True)


def lookup_account_limit_hit(request: HttpRequest, account_number: str) -> Limited | None:
    """Whether this old number has had too many failed lookups (does not count this one)."""
    return rules_check(request, _ACCOUNT_RULES, _account_key(account_number), increment=False)


# One lookup of a given number at a time. The failure limit is a peek before the lookup and a count
# after it: guesses sent in parallel would all pass the peek before the first failure is counted
# (a reviewer got 8 answers past a limit of 5 that way). A lookup takes milliseconds, so a second
# request for the same number waits its turn; one that waits this long is refused like any limit.
_TURN_WAIT_SECONDS = 3.0
_TURN_POLL_SECONDS = 0.02
# The turn frees itself if its holder dies; a lookup never takes this long.
_TURN_EXPIRES_SECONDS = 10
_TURN_REFUSED = Limited(retry_after_seconds=60)


def _limits_cache():  # type: ignore[no-untyped-def]
    # The same store as django-ratelimit's counters: if that is down, the lookup closes anyway.
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def _turn_take(turn_key: str) -> bool:
    deadline = time.monotonic() + _TURN_WAIT_SECONDS
    try:
        while not _limits_cache().add(turn_key, 1, _TURN_EXPIRES_SECONDS):
            if time.monotonic() >= deadline:
                return False
            time.sleep(_TURN_POLL_SECONDS)
    except Exception as error:  # connection refused, timeout, disk error
        logger.warning("rate-limit store unavailable for the lookup turn: %s", type(error).__name__)
        raise LimiterUnavailable from error
    return True


@contextmanager
def lookup_account_turn(request: HttpRequest, account_number: str) -> Iterator[Limited | None]:
    """Take this number's turn, then peek at its failure limit; yields a Limited or None.

    Inside the block the caller looks up the number and records a failure: nobody else can look up
    the same number meanwhile. Raises LimiterUnavailable when the cache does not answer.
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        # The turn only makes the failure limit exact: with limits off it has nothing to guard, and
        # must not need the cache either.
        yield None
        return
    turn_key = f"lookup:turn:{_account_digest(account_number)}"
    if not _turn_take(turn_key):
        yield _TURN_REFUSED
        return
    try:
        yield lookup_account_limit_hit(request, account_number)
    finally:
        try:
            _limits_cache().delete(turn_key)
        except Exception as error:  # it expires by itself
            logger.warning("lookup turn not released: %s", type(error).__name__)


def lookup_account_failure_record(request: HttpRequest, account_number: str) -> None:
    """Count one failed lookup against the number typed."""
    rules_check(request, _ACCOUNT_RULES, _account_key(account_number), increment=True)
