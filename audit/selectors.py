"""Reads of the audit trail: entries filtered by person, action and dates (IST days), newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEntry


def _start_of_day(day: date) -> datetime:
    # A day as the staff read it: midnight in TIME_ZONE (IST), stored times being UTC.
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_filtered(
    *, person: str = "", action: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-occurred_at", "-pk")
    if person:
        entries = entries.filter(username__iexact=person)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(occurred_at__gte=_start_of_day(date_from))
    if date_to:
        entries = entries.filter(occurred_at__lt=_start_of_day(date_to + timedelta(days=1)))
    return entries


def audit_export_rows(*, entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    """Each entry as the export's cells, time in IST, read in chunks (a year of entries is large)."""
    for entry in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.username,
            str(entry.get_action_display()),
            entry.target,
            entry.address or "",
            entry.detail_text,
        ]
