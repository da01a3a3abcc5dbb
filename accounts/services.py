"""Writes for the lookup's statistics: folding the cache's counts into the database, and purging."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from accounts.models import LookupDay, MissingNumberDay
from accounts.usage import FOLD_DAYS, Counted, MissingTally, tally

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoldResult:
    lookups: int
    missing_numbers: int


def _days_to_fold(today: datetime.date) -> list[datetime.date]:
    return [today - datetime.timedelta(days=back) for back in range(FOLD_DAYS)]


def _lookup_day_add(day: datetime.date, counts: dict[Counted, int]) -> None:
    LookupDay.objects.get_or_create(day=day)
    LookupDay.objects.filter(day=day).update(**{outcome.value: F(outcome.value) + n for outcome, n in counts.items()})


def _missing_number_day_add(day: datetime.date, tally_: MissingTally) -> None:
    MissingNumberDay.objects.get_or_create(
        old_account_number=tally_.old_account_number,
        day=day,
        defaults={"first_seen": tally_.first_seen, "last_seen": tally_.last_seen},
    )
    MissingNumberDay.objects.filter(old_account_number=tally_.old_account_number, day=day).update(
        searches=F("searches") + tally_.searches,
        # The day's addresses are counted from the whole day each time: keep the larger figure.
        addresses=Greatest(F("addresses"), tally_.addresses),
        first_seen=Least(F("first_seen"), tally_.first_seen),
        last_seen=Greatest(F("last_seen"), tally_.last_seen),
    )


def lookup_usage_fold(*, today: datetime.date | None = None) -> FoldResult:
    """Carry the lookup counts of the last days from the cache into the database.

    Each day's counts are taken from the cache and cleared in one step (a Redis MULTI, a diskcache
    transaction), then added in one database transaction; if that fails they go back to the cache.
    Counts made meanwhile wait for the next fold, so running it twice, or two at once, neither loses
    nor doubles a count.
    """
    today = today or timezone.localdate()
    store = tally()
    lookups = missing = 0
    for day in _days_to_fold(today):
        counts = {outcome: n for outcome, n in store.claim_counts(day).items() if n}
        tallies = store.claim_missing(day)
        if not counts and not tallies:
            continue
        try:
            with transaction.atomic():
                if counts:
                    _lookup_day_add(day, counts)
                for tally_ in tallies:
                    _missing_number_day_add(day, tally_)
        except Exception:
            store.give_back_counts(day, counts)
            store.give_back_missing(day, tallies)
            raise
        lookups += sum(counts.values())
        missing += len(tallies)
    logger.info("lookup usage folded lookups=%s missing_numbers=%s", lookups, missing)
    return FoldResult(lookups=lookups, missing_numbers=missing)


def lookup_statistics_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the daily lookup counts older than LOOKUP_STATISTICS_RETENTION_DAYS."""
    cutoff = timezone.localdate(now or timezone.now()) - datetime.timedelta(
        days=settings.LOOKUP_STATISTICS_RETENTION_DAYS
    )
    deleted, _ = LookupDay.objects.filter(day__lt=cutoff).delete()
    return deleted


def missing_numbers_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete each day's missing numbers MISSING_NUMBERS_RETENTION_DAYS after that day.

    A number leaves the list that many days after it was last searched for.
    """
    cutoff = timezone.localdate(now or timezone.now()) - datetime.timedelta(
        days=settings.MISSING_NUMBERS_RETENTION_DAYS
    )
    deleted, _ = MissingNumberDay.objects.filter(day__lt=cutoff).delete()
    return deleted
