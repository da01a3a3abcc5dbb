"""Staff triage of scam reports: status actions, grouping by suspect, and an Excel-safe CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from safety.models import OfficialContact, ScamReport
from safety.selectors import official_registry_get
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/staff/safety/scamreport/"


@pytest.fixture
def staff_client(client):
    admin = get_user_model().objects.create_superuser("asha", "asha@example.com", "a-long-test-password")
    sign_in(client, admin)
    return client


def a_report(**fields) -> ScamReport:
    defaults = {"channel": "whatsapp", "suspect": "+919876543210", "message_text": "bill not updated"}
    return ScamReport.objects.create(**{**defaults, **fields})


def exported_rows(staff_client, reports) -> list[list[str]]:
    response = staff_client.post(
        CHANGELIST, {"action": "export_reports_csv", "_selected_action": [r.pk for r in reports]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
)
def test_the_export_neutralises_cells_that_excel_would_run_as_formulas(staff_client, dangerous):
    report = a_report(message_text=dangerous, contact=dangerous)
    header, row = exported_rows(staff_client, [report])
    cells = dict(zip(header, row, strict=True))
    for column in ("message_text", "contact"):
        assert cells[column].startswith("'"), cells[column]
        assert cells[column].lstrip("'").replace("\\|", "|") == dangerous


def test_the_export_keeps_hindi_text_and_plain_values_as_they_are(staff_client):
    report = a_report(message_text="आज रात बिजली काट दी जाएगी", suspect="UPPCLX")
    header, row = exported_rows(staff_client, [report])
    cells = dict(zip(header, row, strict=True))
    assert cells["message_text"] == "आज रात बिजली काट दी जाएगी"
    assert cells["suspect"] == "UPPCLX"
    assert cells["money_lost"] == "no"


def test_the_export_keeps_typed_numbers_as_text_for_excel(staff_client):
    # Excel would drop the 0 of 09876543210 and show 919876543210 as 9.19877E+11.
    report = a_report(suspect_as_typed="09876543210", contact="919876543210")
    header, row = exported_rows(staff_client, [report])
    cells = dict(zip(header, row, strict=True))
    assert cells["suspect_as_typed"] == "'09876543210"
    assert cells["contact"] == "'919876543210"


def test_staff_change_the_status_of_selected_reports(staff_client):
    first, second, untouched = a_report(), a_report(), a_report()
    staff_client.post(
        CHANGELIST, {"action": "set_status_forwarded", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert set(ScamReport.objects.filter(status="forwarded").values_list("pk", flat=True)) == {first.pk, second.pk}
    untouched.refresh_from_db()
    assert untouched.status == ScamReport.Status.NEW


def test_staff_filter_reports_by_status(staff_client):
    a_report(status="closed", suspect="+911111111111")
    a_report(status="new", suspect="+912222222222")
    html = staff_client.get(CHANGELIST, {"status__exact": "closed"}).content.decode()
    assert "+911111111111" in html
    assert "+912222222222" not in html


def test_staff_see_reports_grouped_by_suspect_number(staff_client):
    for _ in range(3):
        a_report(suspect="+919876543210")
    a_report(suspect="+919876543210", money_lost=True, status="reviewed")
    a_report(suspect="KESCOB")
    a_report(suspect="")
    response = staff_client.get(CHANGELIST + "by-suspect/")
    assert response.status_code == 200
    groups = list(response.context["groups"])
    assert [(g["suspect"], g["total"], g["new"], g["money_lost"]) for g in groups] == [
        ("+919876543210", 4, 3, 1),
        ("KESCOB", 1, 1, 0),
    ]


def test_the_grouped_view_is_for_staff_only(client):
    response = client.get(CHANGELIST + "by-suspect/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_report_shows_no_message_or_contact_in_its_name():
    report = a_report(contact="ramesh@example.com")
    assert "ramesh" not in str(report)
    assert "not updated" not in str(report)


def test_staff_cannot_invent_reports(staff_client):
    assert staff_client.get(CHANGELIST + "add/").status_code == 403


def test_the_registry_snapshot_compares_normalised_values_and_keeps_demo_status():
    OfficialContact.objects.create(kind="phone", name_hi="ख", name_en="Division", value="0512 234 5678", is_demo=False)
    OfficialContact.objects.create(kind="website", name_hi="क", name_en="Site", value="https://www.KESCO.co.in/")
    OfficialContact.objects.create(kind="upi", name_hi="ग", name_en="UPI", value="KESCO@SBI", is_active=False)
    registry = official_registry_get()
    assert registry.phones == {"+915122345678": False}
    assert registry.domains == {"kesco.co.in": True}
    assert registry.upi_ids == {}


def test_the_lookup_page_still_lists_the_payment_channels_from_the_registry(client):
    OfficialContact.objects.create(
        kind="bbps",
        name_hi="बीबीपीएस",
        name_en="BBPS",
        value="Kanpur Electricity Supply Company",
        is_payment_channel=True,
    )
    assert "बीबीपीएस" in client.get("/").content.decode()


@pytest.mark.postgres
def test_grouping_by_suspect_runs_on_postgresql(staff_client):
    a_report(suspect="+919876543210", money_lost=True)
    a_report(suspect="+919876543210")
    groups = list(staff_client.get(CHANGELIST + "by-suspect/").context["groups"])
    assert [(g["suspect"], g["total"], g["money_lost"]) for g in groups] == [("+919876543210", 2, 1)]


def _viewer(client, *perms: str):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="safety", codename__in=perms))
    sign_in(client, user)
    return client


def test_staff_who_may_only_view_contacts_cannot_mark_them_verified(client):
    viewer = _viewer(client, "view_officialcontact")
    contact = OfficialContact.objects.create(kind="website", name_en="Site", name_hi="साइट", value="kesco.example")

    page = viewer.get("/staff/safety/officialcontact/")
    viewer.post("/staff/safety/officialcontact/", {"action": "mark_verified", "_selected_action": [contact.pk]})

    assert page.status_code == 200
    assert "mark_verified" not in page.content.decode()
    contact.refresh_from_db()
    assert contact.is_demo and contact.verified_on is None


def test_staff_who_may_only_view_reports_cannot_change_their_status(client):
    viewer = _viewer(client, "view_scamreport")
    report = a_report()

    viewer.post(CHANGELIST, {"action": "set_status_closed", "_selected_action": [report.pk]})

    report.refresh_from_db()
    assert report.status == ScamReport.Status.NEW
