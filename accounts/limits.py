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
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from accounts.usage import refusals_counter
from kesco_lookup.limits import (
    COUNT,
    PEEK,
    SPEND,
    Free,
    Limited,
    Rules,
    Standing,
    Take,
    address_key,
    keyed_digest,
    limits_run,
    limits_store,
)

logger = logging.getLogger(__name__)

_IP_RULES = ("lookup_per_ip_minute", "lookup_per_ip_day")
_ACCOUNT_ADDRESS_RULES = ("lookup_failures_per_account_address_hour", "lookup_failures_per_account_address_day")
_ACCOUNT_RULES = ("lookup_failures_per_account_hour", "lookup_failures_per_account_day")


def _account_digest(account_number: str) -> str:
    # Keyed with the secret, not django-ratelimit's plain SHA-256. Why: README, 'Rate limits'.
    # The salt is part of every stored key: renaming it would reset every number's counters.
    return keyed_digest("accounts.limits.account", account_number)


# One lookup of a given number at a time (the "turn"). Why: README, 'Rate limits'.
# A lookup takes milliseconds: a request still waiting after this long is refused like any limit.
_TURN_WAIT_SECONDS = 3.0
# A turn is held for a millisecond or two: the first look again comes that soon (a double tap's second
# request), then each twice as late, up to the longest pause, so a long wait asks Redis little.
_TURN_POLL_FIRST_SECONDS = 0.001
_TURN_POLL_LONGEST_SECONDS = 0.02
# Frees the turn if its holder dies; a lookup never takes this long.
_TURN_EXPIRES_SECONDS = 10
_TURN_REFUSED = Limited(retry_after_seconds=60)


@dataclass
class Turn:
    """A lookup's place: refused (`limited`), or holding its number's turn until the block ends."""

    request: HttpRequest
    digest: str
    limited: Limited | None = None
    held: bool = False
    counted: bool = False  # the refusal is counted in the usage counts already (accounts/usage.py)
    # The usage counts live in the limiter's Redis: the count can let go of the turn in its round trip.
    releasable_by_count: bool = False

    @property
    def key(self) -> str:
        return f"lookup:turn:{self.digest}"

    def failure_record(self) -> Standing | None:
        """Count one failed lookup against the number typed and let go of the turn (one round trip);
        say how many tries this address has left on the number.

        The same for a number that exists and one that does not: both are counted alike, so the answer
        tells nothing about which it was. None with limits switched off.
        """
        steps: list = [
            Rules(_ACCOUNT_ADDRESS_RULES, f"{self.digest}|{address_key(self.request)}", SPEND),
            Rules(_ACCOUNT_RULES, self.digest, SPEND),
        ]
        if self.held:
            steps.append(Free(self.key))
        run = limits_run(self.request, steps)
        self.held = False
        mine, everyone = run.standings[:2]
        if mine is None or everyone is None:
            return None
        if mine.left != everyone.left:
            return min(mine, everyone, key=lambda standing: standing.left)
        return Standing(left=mine.left, pause_seconds=max(mine.pause_seconds, everyone.pause_seconds))

    def handed_over(self) -> str | None:
        """The turn's key, for the usage count to let go of in its own round trip (one round trip
        fewer for a match), or None: then the block's end lets go of it, if held."""
        if not (self.held and self.releasable_by_count):
            return None
        self.held = False
        return self.key


@contextmanager
def lookup_account_turn(request: HttpRequest, account_number: str) -> Iterator[Turn]:
    """Count the lookup against the address, take the number's turn and peek at its failure limits,
    in one round trip to Redis; yields the Turn, refused (`turn.limited`) or held.

    Inside the block the caller looks up the number and records a failure: nobody else can look up
    the same number meanwhile. Raises LimiterUnavailable when the cache does not answer.
    """
    turn = Turn(request=request, digest=_account_digest(account_number))
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        # The turn only makes the failure limit exact: with limits off it has nothing to guard, and
        # must not need the cache either.
        yield turn
        return
    peeks: list = [
        # From this address first, then from everywhere; the longer wait if both are over.
        Rules(_ACCOUNT_ADDRESS_RULES, f"{turn.digest}|{address_key(request)}", PEEK),
        Rules(_ACCOUNT_RULES, turn.digest, PEEK),
    ]
    take = Take(turn.key, _TURN_EXPIRES_SECONDS)
    # A refusal is counted in the same round trip: a flood of refused lookups costs one each.
    counter = refusals_counter()
    run = limits_run(request, [Rules(_IP_RULES, "ip", COUNT), take, *peeks], refusal_counter=counter)
    deadline = time.monotonic() + _TURN_WAIT_SECONDS
    pause = _TURN_POLL_FIRST_SECONDS
    while run.busy:  # another lookup of this number is running: wait for its end (the address is counted)
        if time.monotonic() >= deadline:
            turn.limited = _TURN_REFUSED
            yield turn
            return
        time.sleep(pause)
        pause = min(2 * pause, _TURN_POLL_LONGEST_SECONDS)
        run = limits_run(request, [take, *peeks], refusal_counter=counter)
    turn.limited, turn.held, turn.counted = run.limited, run.limited is None, run.counted
    turn.releasable_by_count = counter is not None
    try:
        yield turn
    finally:
        if turn.held:
            try:
                limits_store().delete(turn.key)
            except Exception as error:  # it expires by itself
                logger.warning("lookup turn not released: %s", type(error).__name__)
