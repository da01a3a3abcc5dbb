"""Writes for the safety app: scam reports and their triage."""

from __future__ import annotations

import datetime
import logging

from django.core.files.base import ContentFile
from django.db.models import QuerySet

from safety.models import ScamReport
from safety.normalise import normalise_suspect

logger = logging.getLogger(__name__)


def scam_report_create(
    *,
    channel: str,
    suspect: str,
    message_text: str,
    contacted_on: datetime.date | None,
    money_lost: bool,
    contact: str,
    screenshot: ContentFile | None = None,
) -> ScamReport:
    report = ScamReport(
        channel=channel,
        suspect=normalise_suspect(suspect),
        suspect_as_typed=suspect.strip()[:60],
        message_text=message_text,
        contacted_on=contacted_on,
        money_lost=money_lost,
        contact=contact.strip(),
    )
    if screenshot is not None:
        report.screenshot.save(screenshot.name, screenshot, save=False)
    report.save()
    # Only the id and the channel: never the text, the numbers or the consumer's contact.
    logger.info("scam report created id=%s channel=%s", report.pk, report.channel)
    return report


def scam_reports_status_set(*, reports: QuerySet[ScamReport], status: str) -> int:
    if status not in ScamReport.Status.values:
        raise ValueError(f"unknown status {status!r}")
    return reports.update(status=status)
