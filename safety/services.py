"""Writes for the safety app: scam reports and their triage."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from safety.models import ScamReport
from safety.normalise import normalise_suspect
from safety.selectors import PAGE_REGISTRY_STAMP_KEY, page_stamp_forget

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
    if status == ScamReport.Status.CLOSED:
        # A report closed before keeps the day it was first closed.
        return reports.update(status=status, closed_at=Coalesce("closed_at", Value(timezone.now())))
    return reports.update(status=status, closed_at=None)


def scam_reports_personal_data_purge(*, now: datetime.datetime | None = None) -> int:
    """Blank the contact and delete the screenshot of reports closed SCAM_REPORT_PERSONAL_DATA_DAYS ago.

    The report itself stays (channel, suspect, text, money lost, status) for the statistics and the
    grouping by suspect. Returns how many reports lost personal data.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SCAM_REPORT_PERSONAL_DATA_DAYS)
    reports = ScamReport.objects.filter(status=ScamReport.Status.CLOSED, closed_at__lt=cutoff).exclude(
        contact="", screenshot=""
    )
    purged = 0
    for report in reports.only("pk", "screenshot").iterator():
        name = report.screenshot.name
        storage = report.screenshot.storage
        # The row first: a file left behind by a failed delete is logged; a row pointing nowhere is not.
        ScamReport.objects.filter(pk=report.pk).update(contact="", screenshot="")
        if name:
            try:
                storage.delete(name)
            except OSError as error:
                logger.error("scam report %s: screenshot not deleted (%s)", report.pk, type(error).__name__)
        purged += 1
    logger.info("scam reports personal data purged count=%s", purged)
    return purged


def _page_copies_forget(keys: tuple[str, ...]) -> None:
    page_stamp_forget()
    try:
        cache.delete_many(list(keys))
        # A new stamp: every process drops its own copies and its pages rendered from them.
        cache.set(PAGE_REGISTRY_STAMP_KEY, secrets.token_hex(8), None)
    except Exception:  # a staff save never fails on the cache; the copies expire (PAGE_REGISTRY_SECONDS)
        logger.warning("safety: cached page copies not dropped (cache unavailable)")


def page_copies_drop(*, keys: tuple[str, ...]) -> None:
    """Drop the pages' cached rules, alerts or contacts (safety/selectors.py) after a staff change."""
    # Now, so this transaction's next page sees the change, and again after the commit, so a page that
    # read the old rows meanwhile cannot leave them cached.
    _page_copies_forget(keys)
    transaction.on_commit(lambda: _page_copies_forget(keys))
