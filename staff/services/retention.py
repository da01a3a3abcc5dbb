"""Retention: one purge that asks each app to delete what is past its period (README, 'Retention')."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from accounts.services import lookup_statistics_purge, missing_numbers_purge
from audit.services import audit_entries_purge
from safety.services import scam_reports_personal_data_purge

logger = logging.getLogger(__name__)


def retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Run every app's purge with the same clock; returns how much each removed (counts only)."""
    now = now or timezone.now()
    removed = {
        "lookup_statistics": lookup_statistics_purge(now=now),
        "missing_numbers": missing_numbers_purge(now=now),
        "scam_report_personal_data": scam_reports_personal_data_purge(now=now),
    }
    removed["audit_entries"] = audit_entries_purge(now=now)
    logger.info("retention purge %s", " ".join(f"{name}={count}" for name, count in removed.items()))
    return removed
