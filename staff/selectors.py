"""Reads for the staff side: who has set up an authenticator app; the dashboard and its chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import DayCounts, MissingStatus, lookup_days_list, missing_numbers_list
from imports.models import ImportBatch
from imports.selectors import batch_as_shown
from safety.models import ScamReport


def staff_is_enrolled(*, user: AbstractBaseUser) -> bool:
    """Whether the user has a confirmed authenticator app (their recovery codes come with it)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def staff_enrolment_pending(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Signed in by password, allowed in the admin, but without an authenticator app yet."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and not staff_is_enrolled(user=user))


def users_with_enrolment(queryset: QuerySet) -> QuerySet:
    """The users of a queryset, each with ``has_authenticator`` (one query for a whole list)."""
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return queryset.annotate(has_authenticator=Exists(confirmed))


CHART_DAYS = 30
TOP_MISSING = 10

# The chart's geometry, in SVG user units: one stacked bar a day, outcomes bottom to top.
_CHART_WIDTH, _CHART_HEIGHT, _BAR_GAP = 600, 200, 4
OUTCOMES = ("matched", "no_match", "already_new", "limited")


@dataclass(frozen=True)
class Bar:
    x: int
    width: int
    segments: tuple[tuple[str, float, float, int], ...]  # outcome, y, height, count
    day: DayCounts


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    most: int
    bars: tuple[Bar, ...]


def lookups_chart(days: list[DayCounts]) -> Chart:
    """Stacked bars for the days given, scaled to the busiest day."""
    most = max((day.total for day in days), default=0)
    slot = _CHART_WIDTH // max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        bottom = float(_CHART_HEIGHT)
        segments = []
        for outcome in OUTCOMES:
            count = getattr(day, outcome)
            height = round(_CHART_HEIGHT * count / most, 2) if most else 0.0
            bottom -= height
            segments.append((outcome, round(bottom, 2), height, count))
        bars.append(Bar(x=index * slot, width=slot - _BAR_GAP, segments=tuple(segments), day=day))
    return Chart(width=_CHART_WIDTH, height=_CHART_HEIGHT, most=most, bars=tuple(bars))


@dataclass(frozen=True)
class ScamReportCounts:
    new: int
    money_lost_open: int


def scam_report_counts() -> ScamReportCounts:
    open_reports = ScamReport.objects.exclude(status=ScamReport.Status.CLOSED)
    return ScamReportCounts(
        new=ScamReport.objects.filter(status=ScamReport.Status.NEW).count(),
        money_lost_open=open_reports.filter(money_lost=True).count(),
    )


def latest_import() -> ImportBatch | None:
    batch = ImportBatch.objects.order_by("-created_at", "-pk").first()
    return batch_as_shown(batch=batch) if batch else None


def dashboard_read(*, imports: bool, reports: bool, today: datetime.date | None = None) -> dict:
    """What the dashboard shows; the import and missing-number parts only to those who may see them."""
    today = today or timezone.localdate()
    days = lookup_days_list(days=CHART_DAYS, today=today)
    context: dict = {"days": days, "chart": lookups_chart(days), "today": days[-1]}
    if imports:
        context["latest_import"] = latest_import()
        context["top_missing"] = list(missing_numbers_list(status=MissingStatus.MISSING)[:TOP_MISSING])
    if reports:
        context["scam_reports"] = scam_report_counts()
    return context
