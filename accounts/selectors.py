"""Reads for the consumer lookup, the support desk's find and the lookup's statistics."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from enum import StrEnum
from functools import cache as memoise

from django.db import connections
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import AccountMapping, LookupDay, MissingNumberDay
from accounts.normalise import name_key
from accounts.usage import Counted, tally
from kesco_lookup.replica import replica_read


class Outcome(StrEnum):
    FOUND = "found"
    ALREADY_NEW = "already_new"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class LookupResult:
    outcome: Outcome
    new_account_number: str = ""
    masked_name: str = ""
    division: str = ""


NO_MATCH = LookupResult(outcome=Outcome.NO_MATCH)


def mask_name(name: str) -> str:
    """First letter of each word, the rest as '*': enough to recognise, too little to harvest."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def _mobile_matches(stored: str, typed: str) -> bool:
    # An account with no mobile on file never matches: it gets the same answer as a wrong mobile.
    return bool(stored) and hmac.compare_digest(stored.encode(), typed.encode())


def mapping_lookup(*, account_number: str, mobile_last4: str) -> LookupResult:
    """Answer a lookup of normalised digits.

    Every request runs the same single indexed query (old OR new number), whatever the input, so
    neither the answer's shape nor its timing tells whether an old number exists. On the replica when
    there is one (kesco_lookup/replica.py).
    """
    return mapping_lookup_counted(account_number=account_number, mobile_last4=mobile_last4)[0]


@memoise
def _lookup_sql(alias: str) -> str:
    """The lookup's one query as the ORM writes it for this database, compiled once: only its two
    values change between lookups."""
    query = (
        AccountMapping.objects.using(alias)
        .filter(Q(old_account_number="") | Q(new_account_number=""))
        .values_list("old_account_number", "new_account_number", "consumer_name", "division", "mobile_last4")[:2]
        .query
    )
    sql, _params = query.get_compiler(using=alias).as_sql()
    return sql


def _lookup_rows(alias: str, account_number: str) -> list[tuple[str, str, str, str, str]]:
    # Plain tuples through the ORM's own SQL: the same one query, at a fraction of the ORM's cost.
    with connections[alias].cursor() as cursor:
        cursor.execute(_lookup_sql(alias), (account_number, account_number))
        return cursor.fetchall()


def mapping_lookup_counted(*, account_number: str, mobile_last4: str) -> tuple[LookupResult, bool]:
    """mapping_lookup, and whether the number typed is unknown (for the missing-numbers count).

    The second value never reaches the consumer: the answer is the very same NO_MATCH either way.
    """
    rows = replica_read(lambda alias: _lookup_rows(alias, account_number))
    for old_number, new_number, consumer_name, division, stored_mobile in rows:
        if not _mobile_matches(stored_mobile, mobile_last4):
            continue
        if old_number == account_number:
            return (
                LookupResult(
                    outcome=Outcome.FOUND,
                    new_account_number=new_number,
                    masked_name=mask_name(consumer_name),
                    division=division,
                ),
                False,
            )
        return LookupResult(outcome=Outcome.ALREADY_NEW, new_account_number=new_number), False
    return NO_MATCH, not rows


# The support desk's find by name shows this many answers at most: enough for a family sharing a
# mobile, too few to list a division's consumers.
FOUND_BY_NAME_MAX = 5
# Rows read for one find: the mobile's last 4 (indexed) and the division leave about 75 of 750,000;
# a badly skewed ending cannot make one find read the table.
_BY_NAME_CANDIDATES_MAX = 5000


def mappings_found_by_name(*, name: str, division: str, mobile_last4: str) -> tuple[list[AccountMapping], bool]:
    """Mappings whose name contains ``name`` (no case, no accents), in the division, with the mobile.

    Returns at most FOUND_BY_NAME_MAX mappings, and whether more matched.
    """
    wanted = name_key(name)
    candidates = (
        AccountMapping.objects.filter(mobile_last4=mobile_last4, division__iexact=division.strip())
        .only("old_account_number", "new_account_number", "consumer_name", "division", "mobile_last4")
        .order_by("pk")[:_BY_NAME_CANDIDATES_MAX]
    )
    found = [mapping for mapping in candidates if wanted and wanted in name_key(mapping.consumer_name)]
    return found[:FOUND_BY_NAME_MAX], len(found) > FOUND_BY_NAME_MAX


@dataclass(frozen=True)
class DayCounts:
    day: datetime.date
    matched: int = 0
    no_match: int = 0
    already_new: int = 0
    limited: int = 0

    @property
    def total(self) -> int:
        return self.matched + self.no_match + self.already_new + self.limited


def lookup_days_list(*, days: int = 30, today: datetime.date | None = None) -> list[DayCounts]:
    """Lookups per day by outcome, oldest first, ``days`` days up to today; today adds the counts
    still in the cache (not folded yet)."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    stored = {row.day: row for row in LookupDay.objects.filter(day__gte=first, day__lte=today)}
    waiting = tally().peek(today)
    result = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        row = stored.get(day)
        counts = {outcome.value: getattr(row, outcome.value, 0) if row else 0 for outcome in Counted}
        if day == today:
            counts = {name: value + waiting[Counted(name)] for name, value in counts.items()}
        result.append(DayCounts(day=day, **counts))
    return result


class MissingStatus(StrEnum):
    MISSING = "missing"
    FOUND = "found"
    ALL = "all"


def missing_numbers_list(*, status: MissingStatus = MissingStatus.MISSING) -> QuerySet:
    """Old numbers looked up in vain, summed over the days kept, most searched first.

    ``found``: a mapping has the number now (an import added it since); read by a join, so the
    import needs to know nothing of this list.
    """
    rows = (
        MissingNumberDay.objects.values("old_account_number")
        .annotate(
            total_searches=Sum("searches"),
            total_addresses=Sum("addresses"),
            first=Min("first_seen"),
            last=Max("last_seen"),
            found=Exists(AccountMapping.objects.filter(old_account_number=OuterRef("old_account_number"))),
        )
        .order_by("-total_searches", "-last", "old_account_number")
    )
    if status is MissingStatus.MISSING:
        return rows.filter(found=False)
    if status is MissingStatus.FOUND:
        return rows.filter(found=True)
    return rows
