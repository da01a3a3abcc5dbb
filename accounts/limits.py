"""The lookup's own limits: per address on every request, per old number on failures only.

The rules are in settings.RATE_LIMITS, the machinery in kesco_lookup/limits.py. Why: README,
'Rate limits'.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from kesco_lookup.limits import Limited, LimiterUnavailable, rules_check

logger = logging.getLogger(__name__)

_IP_RULES = ("lookup_per_ip_minute", "lookup_per_ip_day")
_ACCOUNT_RULES = ("lookup_failures_per_account_hour", "lookup_failures_per_account_day")


def _account_digest(account_number: str) -> str:
    # Keyed with the secret, not django-ratelimit's plain SHA-256. Why: README, 'Rate limits'.
    # The salt is part of every stored key: renaming it would reset every number's counters.
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


# One lookup of a given number at a time (the "turn"). Why: README, 'Rate limits'.
# A lookup takes milliseconds: a request still waiting after this long is refused like any limit.
_TURN_WAIT_SECONDS = 3.0
_TURN_POLL_SECONDS = 0.02
# Frees the turn if its holder dies; a lookup never takes this long.
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
