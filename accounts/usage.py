"""Counting lookups in the cache, on the lookup's path: no database write there.

Every answered lookup touches the cache once: one counter per day and outcome (keys hold the day
and the outcome only). A miss also records, in the same round trip (Redis: one pipeline; the disk
cache: one transaction), its number if unknown, or the same writes into a twin without the number
if known, so that the two kinds of miss cost the same. accounts.services.lookup_usage_fold carries
the counts into the database on a schedule.

Different addresses are counted without keeping any: on Redis a HyperLogLog per number and day
fed with a keyed hash of the address; on the disk cache (development only: production requires
Redis) a set of such hashes per number and day, capped at ADDRESSES_CAP. Why: README, 'Usage'.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from enum import StrEnum

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from kesco_lookup.limits import keyed_digest, limits_store
from kesco_lookup.metrics import lookup_outcome_record

logger = logging.getLogger(__name__)


class Counted(StrEnum):
    MATCHED = "matched"
    NO_MATCH = "no_match"
    ALREADY_NEW = "already_new"
    LIMITED = "limited"


# Longer than any pause of the scheduler should last (a weekend), short enough to clean up after
# itself: counts older than this that were never folded are lost, and only they.
KEEP_SECONDS = 7 * 24 * 3600
FOLD_DAYS = 7
# The disk cache's sets of address hashes stop growing here: it is for development.
ADDRESSES_CAP = 100


# A miss on a known number (wrong mobile, none on file) is written the same way as a miss on an
# unknown one, into a twin that holds no number and is never read: it only makes both misses do the
# same work, so that the counting cannot tell them apart by timing. It goes after a day.
_KNOWN_MISS_FIELD = "known"
_KNOWN_MISS_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Miss:
    number: str
    address: str
    unknown: bool

    def where(self, day: datetime.date) -> tuple[str, str, str, int]:
        """The field, the address set's suffix, the keys' stem and their lifetime for this miss."""
        digest = _number_digest(self.number)  # computed for both kinds of miss alike
        if self.unknown:
            return self.number, digest, f"missing:{day.isoformat()}", KEEP_SECONDS
        return _KNOWN_MISS_FIELD, _KNOWN_MISS_FIELD, f"known-miss:{day.isoformat()}", _KNOWN_MISS_KEEP_SECONDS


@dataclass(frozen=True)
class MissingTally:
    old_account_number: str
    searches: int
    addresses: int
    first_seen: datetime.datetime
    last_seen: datetime.datetime


def _today() -> datetime.date:
    return timezone.localdate()


def _address_hash(address: str, day: datetime.date) -> str:
    # Keyed with the secret and the day: the same address on two days cannot be linked, and no list
    # of all addresses turns the hashes back into addresses without the secret.
    return keyed_digest("accounts.usage.address", f"{day.isoformat()}|{address}")[:32]


def _counter_name(day: datetime.date, outcome: Counted) -> str:
    """The cache key (before the cache's prefix) of a day's count of an outcome: the tally's, and the
    limiter's when it counts a refusal itself (refusals_counter)."""
    return f"usage:{day.isoformat()}:{outcome.value}"


def _number_digest(number: str) -> str:
    return keyed_digest("accounts.usage.number", number)[:32]


class _RedisTally:
    def __init__(self, backend) -> None:  # type: ignore[no-untyped-def]
        self.backend = backend

    def _client(self):  # type: ignore[no-untyped-def]
        return self.backend._cache.get_client(write=True)

    def _key(self, name: str) -> str:
        return self.backend.make_key(f"usage:{name}")

    def _counter(self, day: datetime.date, outcome: Counted) -> str:
        return self.backend.make_key(_counter_name(day, outcome))

    def count(
        self,
        outcome: Counted,
        day: datetime.date,
        miss: Miss | None,
        release: str | None = None,
        read: str | None = None,
    ) -> object:
        counter = self._counter(day, outcome)
        pipe = self._client().pipeline(transaction=False)
        if read is not None:
            pipe.get(self.backend.make_key(read))
        if release is not None:
            pipe.delete(self.backend.make_key(release))
        pipe.incr(counter)
        pipe.expire(counter, KEEP_SECONDS)
        if miss is not None:
            field, digest, base, keep = miss.where(day)
            stamp = timezone.now().timestamp()
            counts, first, last = self._key(f"{base}:counts"), self._key(f"{base}:first"), self._key(f"{base}:last")
            addresses = self._key(f"{base}:addresses:{digest}")
            pipe.hincrby(counts, field, 1)
            pipe.hsetnx(first, field, stamp)
            pipe.hset(last, field, stamp)
            pipe.pfadd(addresses, _address_hash(miss.address, day))
            for key in (counts, first, last, addresses):
                pipe.expire(key, keep)
        answers = pipe.execute()
        if read is None or answers[0] is None:
            return None
        return self.backend._cache._serializer.loads(answers[0])  # as the cache's own get() decodes it

    def peek(self, day: datetime.date) -> dict[Counted, int]:
        values = self._client().mget([self._counter(day, outcome) for outcome in Counted])
        return {outcome: int(value or 0) for outcome, value in zip(Counted, values, strict=True)}

    def claim_counts(self, day: datetime.date) -> dict[Counted, int]:
        keys = [self._counter(day, outcome) for outcome in Counted]
        pipe = self._client().pipeline(transaction=True)  # MULTI: read and delete as one step
        for key in keys:
            pipe.get(key)
        pipe.delete(*keys)
        values = pipe.execute()[: len(keys)]
        return {outcome: int(value or 0) for outcome, value in zip(Counted, values, strict=True)}

    def give_back_counts(self, day: datetime.date, counts: dict[Counted, int]) -> None:
        pipe = self._client().pipeline(transaction=False)
        for outcome, value in counts.items():
            if value:
                key = self._counter(day, outcome)
                pipe.incrby(key, value)
                pipe.expire(key, KEEP_SECONDS)
        pipe.execute()

    def claim_missing(self, day: datetime.date) -> list[MissingTally]:
        base = f"missing:{day.isoformat()}"
        keys = [self._key(f"{base}:{part}") for part in ("counts", "first", "last")]
        pipe = self._client().pipeline(transaction=True)
        for key in keys:
            pipe.hgetall(key)
        pipe.delete(*keys)
        counts, first, last = pipe.execute()[:3]
        if not counts:
            return []
        # The day's address counts stay until the keys expire: a later fold of the same day counts
        # them again from the whole day, and the fold keeps the larger figure.
        numbers = [number.decode() for number in counts]
        pipe = self._client().pipeline(transaction=False)
        for number in numbers:
            pipe.pfcount(self._key(f"{base}:addresses:{_number_digest(number)}"))
        addresses = pipe.execute()
        return [
            MissingTally(
                old_account_number=number,
                searches=int(counts[number.encode()]),
                addresses=int(count),
                first_seen=_from_stamp(first.get(number.encode())),
                last_seen=_from_stamp(last.get(number.encode())),
            )
            for number, count in zip(numbers, addresses, strict=True)
        ]

    def give_back_missing(self, day: datetime.date, tallies: list[MissingTally]) -> None:
        base = f"missing:{day.isoformat()}"
        counts, first, last = (self._key(f"{base}:{part}") for part in ("counts", "first", "last"))
        pipe = self._client().pipeline(transaction=False)
        for tally in tallies:
            pipe.hincrby(counts, tally.old_account_number, tally.searches)
            pipe.hsetnx(first, tally.old_account_number, tally.first_seen.timestamp())
            pipe.hsetnx(last, tally.old_account_number, tally.last_seen.timestamp())
        for key in (counts, first, last):
            pipe.expire(key, KEEP_SECONDS)
        pipe.execute()

    def clear(self) -> None:
        """Tests only: the default cache's clear() flushes the whole database already."""


class _DiskTally:
    """The embedded default: diskcache's own counters and transactions, in a cache of their own."""

    def __init__(self, backend) -> None:  # type: ignore[no-untyped-def]
        self.backend = backend
        self.store = backend.cache("lookup-usage")

    def count(
        self,
        outcome: Counted,
        day: datetime.date,
        miss: Miss | None,
        release: str | None = None,
        read: str | None = None,
    ) -> object:
        if release is not None:
            self.backend.delete(release)
        with self.store.transact():
            self.store.incr(f"{day.isoformat()}:{outcome.value}", 1, default=0)
            if miss is not None:
                field, _digest, base, keep = miss.where(day)
                entries = self.store.get(base, default={})
                now = timezone.now().timestamp()
                searches, first, _last, hashes = entries.get(field, (0, now, now, set()))
                if len(hashes) < ADDRESSES_CAP:
                    hashes.add(_address_hash(miss.address, day))
                entries[field] = (searches + 1, first, now, hashes)
                self.store.set(base, entries, expire=keep)
        return None if read is None else self.backend.get(read)

    def peek(self, day: datetime.date) -> dict[Counted, int]:
        return {outcome: int(self.store.get(f"{day.isoformat()}:{outcome.value}", default=0)) for outcome in Counted}

    def claim_counts(self, day: datetime.date) -> dict[Counted, int]:
        with self.store.transact():
            return {
                outcome: int(self.store.pop(f"{day.isoformat()}:{outcome.value}", default=0)) for outcome in Counted
            }

    def give_back_counts(self, day: datetime.date, counts: dict[Counted, int]) -> None:
        with self.store.transact():
            for outcome, value in counts.items():
                self.store.incr(f"{day.isoformat()}:{outcome.value}", value, default=0)

    def claim_missing(self, day: datetime.date) -> list[MissingTally]:
        key = f"missing:{day.isoformat()}"
        claimed = []
        with self.store.transact():
            entries = self.store.get(key, default={})
            for number, (searches, first, last, hashes) in entries.items():
                if searches:
                    claimed.append(MissingTally(number, searches, len(hashes), _from_stamp(first), _from_stamp(last)))
                # Searches are carried over once; the hashes stay for the rest of the day.
                entries[number] = (0, first, last, hashes)
            if entries:
                self.store.set(key, entries, expire=KEEP_SECONDS)
        return claimed

    def give_back_missing(self, day: datetime.date, tallies: list[MissingTally]) -> None:
        key = f"missing:{day.isoformat()}"
        with self.store.transact():
            entries = self.store.get(key, default={})
            for tally in tallies:
                searches, first, last, hashes = entries.get(
                    tally.old_account_number, (0, tally.first_seen.timestamp(), 0, set())
                )
                entries[tally.old_account_number] = (
                    searches + tally.searches,
                    min(first, tally.first_seen.timestamp()),
                    max(last, tally.last_seen.timestamp()),
                    hashes,
                )
            self.store.set(key, entries, expire=KEEP_SECONDS)

    def clear(self) -> None:
        self.store.clear()


def _from_stamp(value: bytes | str | float | None) -> datetime.datetime:
    if value is None:
        return timezone.now()
    return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)


def tally() -> _RedisTally | _DiskTally:
    """The counting store behind the default cache."""
    backend = caches["default"]
    # isinstance, not the module name: the site runs a subclass (kesco_lookup/cache.py).
    if isinstance(backend, RedisCache):
        return _RedisTally(backend)
    return _DiskTally(backend)


def refusals_counter() -> tuple[str, int] | None:
    """Today's counter of refused lookups and its lifetime, for the limiter to count a refusal in its
    own round trip (kesco_lookup/limits.py), when it counts in the same Redis; else None. Never raises."""
    try:
        if not isinstance(tally(), _RedisTally) or limits_store() is not caches["default"]:
            return None
    except Exception:  # the count is then made (or lost) the usual way, as lookup_counted says
        return None
    return _counter_name(_today(), Counted.LIMITED), KEEP_SECONDS


def lookup_counted(
    *,
    outcome: Counted,
    account_number: str = "",
    address: str = "",
    unknown: bool = False,
    stored: bool = False,
    release: str | None = None,
    read: str | None = None,
) -> object:
    """Count one lookup's outcome for today, and a miss's number if it is unknown. Never raises.

    A cache that fails here only loses a count: the limits, which need the same cache, have already
    decided whether the lookup could run. `stored`: the limiter has counted it in the cache already
    (refusals_counter), only this process's metrics are left. `release`: a key of the default cache
    to delete in the same round trip (a lookup's turn, accounts/limits.py); if the count fails, the
    key expires by itself. `read`: a key of the default cache to read in the same round trip (the
    registry's stamp, for the answer page); its value is returned, None if missing or the count failed.
    """
    # In this process's memory (or its own file): the same work for every outcome.
    lookup_outcome_record(outcome=outcome.value)
    if stored:
        return None
    try:
        miss = Miss(account_number, address, unknown) if outcome is Counted.NO_MATCH else None
        return tally().count(outcome, _today(), miss, release, read)
    except Exception as error:  # connection refused, timeout, disk error
        logger.warning("lookup not counted: %s", type(error).__name__)
        return None
