"""Reads for the consumer lookup."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from accounts.models import AccountMapping
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
    rows = replica_read(
        lambda alias: list(
            AccountMapping.objects.using(alias)
            .filter(Q(old_account_number=account_number) | Q(new_account_number=account_number))
            .only("old_account_number", "new_account_number", "consumer_name", "division", "mobile_last4")[:2]
        )
    )
    for row in rows:
        if not _mobile_matches(row.mobile_last4, mobile_last4):
            continue
        if row.old_account_number == account_number:
            return LookupResult(
                outcome=Outcome.FOUND,
                new_account_number=row.new_account_number,
                masked_name=mask_name(row.consumer_name),
                division=row.division,
            )
        return LookupResult(outcome=Outcome.ALREADY_NEW, new_account_number=row.new_account_number)
    return NO_MATCH
