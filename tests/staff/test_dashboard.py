"""Usage at a glance: the dashboard's figures against known data, and what each role sees."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import LookupDay
from imports.models import ImportBatch
from safety.models import ScamReport
from staff.selectors import lookups_chart
from tests.staff.usage_helpers import bare_staff, desk, missed, operator

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/dashboard/"


def table_rows(html: str) -> dict[str, list[int]]:
    body = html.split('id="lookups-table"', 1)[1].split("</tbody>", 1)[0]
    return {
        day: [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        for day, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', body)
    }


def test_it_shows_thirty_days_of_lookups_by_outcome_with_today_not_yet_folded(client):
    today = timezone.localdate()
    LookupDay.objects.create(day=today - datetime.timedelta(days=2), matched=7, no_match=3, already_new=1, limited=2)
    LookupDay.objects.create(day=today - datetime.timedelta(days=40), matched=99)  # outside the chart
    LookupDay.objects.create(day=today, matched=1)
    client.cookies["django_language"] = "en"
    operator(client)
    client.post("/lookup/", {"old_account_number": "87654321", "mobile_last4": "1111"})  # in the cache only
    html = client.get(DASHBOARD).content.decode()
    rows = table_rows(html)
    assert len(rows) == 30
    two_days_ago = (today - datetime.timedelta(days=2)).strftime("%-d %b %Y")
    assert rows[two_days_ago] == [7, 3, 1, 2, 13]
    assert rows[today.strftime("%-d %b %Y")] == [1, 1, 0, 0, 2]
    assert "2 lookups: 1 matched, 1 no match, 0 already the new number, 0 limited." in html
    assert "99" not in "".join(str(v) for v in rows.values())


def test_the_chart_is_inline_svg_with_a_title_a_description_and_no_script(client):
    LookupDay.objects.create(day=timezone.localdate(), matched=4, no_match=2)
    html = operator(client).get(DASHBOARD).content.decode()
    svg = html.split('<svg class="usage-chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert svg.count('<rect class="matched"') == 1 and svg.count('<rect class="no_match"') == 1
    assert "<script" not in html.split('id="content"', 1)[-1]


def test_the_chart_scales_to_the_busiest_day_and_stacks_the_outcomes():
    from accounts.selectors import DayCounts

    today = timezone.localdate()
    chart = lookups_chart([DayCounts(day=today, matched=50, no_match=50), DayCounts(day=today, matched=25)])
    assert chart.most == 100
    (matched, _y, height, count), (no_match, y2, height2, _c) = chart.bars[0].segments[:2]
    assert (matched, count, height, no_match, height2, y2) == ("matched", 50, 100.0, "no_match", 100.0, 0.0)
    assert chart.bars[1].segments[0][2] == 50.0
    assert lookups_chart([DayCounts(day=today)]).bars[0].segments[0][2] == 0.0  # an empty month: no division by 0


def test_an_operator_sees_the_latest_import_and_the_top_missing_numbers(client):
    ImportBatch.objects.create(original_name="old.csv", sha256="a" * 64, status=ImportBatch.Status.ROLLED_BACK)
    latest = ImportBatch.objects.create(
        original_name="mapping.csv", sha256="b" * 64, status=ImportBatch.Status.APPLIED, count_new=1991, count_changed=1
    )
    missed("11110000", timezone.localdate(), 9)
    client.cookies["django_language"] = "en"
    html = operator(client).get(DASHBOARD).content.decode()
    section = html.split('id="latest-import"', 1)[1].split("</section>", 1)[0]
    assert f"#{latest.pk}</a>: applied" in section and "1991 new, 1 changed, 0 refused rows." in section
    assert "11110000" in html.split('id="top-missing"', 1)[1]
    assert 'id="scam-reports"' not in html  # an operator without the reports' permission


def test_the_support_desk_sees_reports_and_usage_but_no_numbers_or_imports(client):
    ScamReport.objects.create(channel="sms", money_lost=True)
    ScamReport.objects.create(channel="sms")
    ScamReport.objects.create(channel="sms", money_lost=True, status=ScamReport.Status.CLOSED)
    missed("11110000", timezone.localdate(), 9)
    client.cookies["django_language"] = "en"
    response = desk(client).get(DASHBOARD)
    html = response.content.decode()
    assert response.status_code == 200
    reports = html.split('id="scam-reports"', 1)[1].split("</section>", 1)[0]
    assert "2 new reports" in reports
    assert '<p class="money-lost">1 open report with money lost</p>' in reports
    assert "11110000" not in html and 'id="top-missing"' not in html and 'id="latest-import"' not in html


def test_staff_without_imports_or_reports_get_a_403(client):
    assert bare_staff(client).get(DASHBOARD).status_code == 403


def test_it_is_in_hindi_by_default(client):
    html = operator(client).get(DASHBOARD).content.decode()
    assert "एक नज़र में" in html
