"""The lookup's own limits: per address on every real lookup, per old number on failures only.

Failures count first per number and address, then per number from everywhere (the last line against
guessing from many addresses), so one address cannot use up a number's allowance.

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

from kesco_lookup.limits import Limited, LimiterUnavailable, Standing, address_key, rules_check, rules_spend

logger = logging.getLogger(__name__)

_IP_RULES = ("lookup_per_ip_minute", "lookup_per_ip_day")
_ACCOUNT_ADDRESS_RULES = ("lookup_failures_per_account_address_hour", "lookup_failures_per_account_address_day")
_ACCOUNT_RULES = ("lookup_failures_per_account_hour", "lookup_failures_per_account_day")


def _account_digest(account_number: str) -> str:
    # Keyed with the secret, not django-ratelimit's plain SHA-256. Why: README, 'Rate limits'.
    # The salt is part of every stored key: renaming it would reset every number's counters.
    return salted_hmac("accounts.limits.account", account_number, algorithm="sha256").hexdigest()


def _account_address_key(account_number: str, request: HttpRequest) -> str:
    return f"{_account_digest(account_number)}|{address_key(request)}"


def lookup_ip_limit_hit(request: HttpRequest) -> Limited | None:
    """Count this lookup request against the caller's address; say whether it is over a limit."""
    return rules_check(request, _IP_RULES, "ip", increment=True)


def lookup_account_limit_hit(request: HttpRequest, account_number: str) -> Limited | None:
    """Whether this old number has had too many failed lookups (does not count this one).

    From this address first, then from everywhere; the longer wait if both are over.
    """
    mine = rules_check(request, _ACCOUNT_ADDRESS_RULES, _account_address_key(account_number, request), increment=False)
    everyone = rules_check(request, _ACCOUNT_RULES, _account_digest(account_number), increment=False)
    over = [limited for limited in (mine, everyone) if limited]
    return max(over, key=lambda limited: limited.retry_after_seconds) if over else None


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


def lookup_account_failure_record(request: HttpRequest, account_number: str) -> Standing | None:
    """Count one failed lookup against the number typed; say how many tries this address has left on it.

    The same for a number that exists and one that does not: both are counted alike, so the answer
    tells nothing about which it was. None with limits switched off.
    """
    mine = rules_spend(request, _ACCOUNT_ADDRESS_RULES, _account_address_key(account_number, request))
    everyone = rules_spend(request, _ACCOUNT_RULES, _account_digest(account_number))
    if mine is None or everyone is None:
        return None
    if mine.left != everyone.left:
        return min(mine, everyone, key=lambda standing: standing.left)
    return Standing(left=mine.left, pause_seconds=max(mine.pause_seconds, everyone.pause_seconds))
