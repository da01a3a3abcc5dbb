"""The one purge on the beat schedule: each kind of data goes when its period has passed, not before."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import LookupDay, MissingNumberDay
from audit.models import AuditEntry
from safety.models import ScamReport
from safety.services import scam_reports_status_set
from staff.services import retention_purge
from staff.tasks import retention_purge_task
from tests.staff.usage_helpers import missed

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 12, 7, 3, 0))
TODAY = timezone.localdate(NOW)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_lookup_statistics_go_after_their_period(settings):
    settings.LOOKUP_STATISTICS_RETENTION_DAYS = 400
    LookupDay.objects.create(day=days_ago(400), matched=1)
    LookupDay.objects.create(day=days_ago(401), matched=1)
    assert retention_purge(now=NOW)["lookup_statistics"] == 1
    assert list(LookupDay.objects.values_list("day", flat=True)) == [days_ago(400)]


def test_missing_numbers_go_ninety_days_after_they_were_last_searched(settings):
    settings.MISSING_NUMBERS_RETENTION_DAYS = 90
    missed("11110000", days_ago(91), 3)
    missed("11110000", days_ago(10), 1)  # searched again since: this day stays
    missed("22220000", days_ago(90), 1)
    assert retention_purge(now=NOW)["missing_numbers"] == 1
    assert sorted(MissingNumberDay.objects.values_list("old_account_number", "day")) == [
        ("11110000", days_ago(10)),
        ("22220000", days_ago(90)),
    ]


def _report(**fields) -> ScamReport:
    report = ScamReport(channel="whatsapp", suspect="+919876543210", contact="9876500000", money_lost=True, **fields)
    report.screenshot.save("shot.png", ContentFile(b"\x89PNG fake"), save=False)
    report.save()
    return report


def test_closed_reports_lose_contact_and_screenshot_after_their_period_and_keep_the_rest(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SCAM_REPORT_PERSONAL_DATA_DAYS = 90
    old_closed, recent_closed, old_open = _report(), _report(), _report()
    ScamReport.objects.filter(pk=old_closed.pk).update(status="closed", closed_at=NOW - datetime.timedelta(days=91))
    ScamReport.objects.filter(pk=recent_closed.pk).update(status="closed", closed_at=NOW - datetime.timedelta(days=89))
    ScamReport.objects.filter(pk=old_open.pk).update(status="reviewed")
    old_file = tmp_path / old_closed.screenshot.name
    assert old_file.exists()

    assert retention_purge(now=NOW)["scam_report_personal_data"] == 1

    old_closed.refresh_from_db()
    assert (old_closed.contact, old_closed.screenshot.name) == ("", "")
    assert not old_file.exists()
    assert (old_closed.suspect, old_closed.money_lost, old_closed.status) == ("+919876543210", True, "closed")
    for kept in (recent_closed, old_open):
        kept.refresh_from_db()
        assert kept.contact == "9876500000" and (tmp_path / kept.screenshot.name).exists()
    assert retention_purge(now=NOW)["scam_report_personal_data"] == 0  # safe to run twice


def test_closing_dates_a_report_once_and_reopening_clears_the_date():
    report = ScamReport.objects.create(channel="sms")
    reports = ScamReport.objects.filter(pk=report.pk)
    scam_reports_status_set(reports=reports, status="closed")
    first = reports.get().closed_at
    assert first is not None
    scam_reports_status_set(reports=reports, status="closed")
    assert reports.get().closed_at == first
    scam_reports_status_set(reports=reports, status="reviewed")
    assert reports.get().closed_at is None
    report.refresh_from_db()
    report.status = "closed"
    report.save()  # the change form's way
    assert reports.get().closed_at is not None


def test_audit_entries_past_their_period_are_purged_with_the_rest():
    now = timezone.now()
    AuditEntry.objects.create(action="sign_in", username="asha", occurred_at=now - datetime.timedelta(days=400))
    recent = AuditEntry.objects.create(action="sign_in", username="asha", occurred_at=now - datetime.timedelta(days=1))

    assert retention_purge(now=now)["audit_entries"] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_purge_runs_daily_from_celery_beat(settings):
    LookupDay.objects.create(day=timezone.localdate() - datetime.timedelta(days=1000), matched=1)
    assert settings.CELERY_BEAT_SCHEDULE["staff-retention-purge"]["task"] == "staff.tasks.retention_purge_task"
    retention_purge_task.apply()  # in this process, as a worker would run it
    assert not LookupDay.objects.exists()


def test_every_task_on_the_beat_schedule_is_one_the_worker_knows(settings):
    from kesco_lookup.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
