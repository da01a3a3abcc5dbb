"""/staff/audit/: administrators read, filter, page through and export the trail, in IST."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from audit.models import AuditEntry
from tests.helpers import page_text, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/staff/audit/"
EXPORT = "/staff/audit/export/"
# 29 Nov 2026, 13:05 IST
STAMP = datetime(2026, 11, 29, 7, 35, tzinfo=UTC)


def _entry(action: str = "sign_in", username: str = "asha", at: datetime = STAMP, **fields) -> AuditEntry:
    return AuditEntry.objects.create(action=action, username=username, occurred_at=at, **fields)


def test_an_administrator_reads_the_trail_with_times_in_ist(asha_client):
    _entry(target="auth.Group #3", address="203.0.113.1", detail={"change": "added"})
    response = asha_client.get(PAGE)
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert "13:05" in text and "07:35" not in text
    assert "auth.Group #3" in text and "203.0.113.1" in text and "change: added" in text
    assert "IST" in text


def test_the_page_is_in_hindi_by_default_and_in_english_one_click_away(asha_client):
    _entry()
    assert "ऑडिट" in asha_client.get(PAGE).content.decode()
    asha_client.cookies["django_language"] = "en"
    html = asha_client.get(PAGE).content.decode()
    assert "Audit trail" in html and "Signed in" in html


def test_staff_with_the_view_permission_may_read_it():
    user = User.objects.create_user("meera", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert sign_in(Client(), user).get(PAGE).status_code == 200


def test_the_support_desk_may_not_read_it(sunita_client):
    assert sunita_client.get(PAGE).status_code == 403
    assert sunita_client.post(EXPORT).status_code == 403


def test_someone_not_signed_in_is_sent_to_the_sign_in_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=/staff/audit/"


def test_the_admin_home_page_links_to_it_for_those_who_may_read_it(asha_client, sunita_client):
    assert 'href="/staff/audit/"' in asha_client.get("/staff/").content.decode()
    assert "/staff/audit/" not in sunita_client.get("/staff/").content.decode()


def test_it_filters_by_person(asha_client):
    _entry(username="asha", target="by-asha")
    _entry(username="sunita", target="by-sunita")
    text = page_text(asha_client.get(PAGE, {"person": "SUNITA"}).content.decode())
    assert "by-sunita" in text and "by-asha" not in text


def test_it_filters_by_action(asha_client):
    _entry(action="sign_in", target="signed-in")
    _entry(action="mapping_viewed", target="viewed")
    text = page_text(asha_client.get(PAGE, {"action": "mapping_viewed"}).content.decode())
    assert "viewed" in text and "signed-in" not in text


def test_it_filters_by_ist_days(asha_client):
    _entry(at=datetime(2026, 11, 28, 18, 29, tzinfo=UTC), target="28-nov-ist")  # 23:59 IST on the 28th
    _entry(at=datetime(2026, 11, 28, 18, 30, tzinfo=UTC), target="29-nov-ist-early")  # 00:00 IST on the 29th
    _entry(at=datetime(2026, 11, 29, 18, 29, tzinfo=UTC), target="29-nov-ist-late")  # 23:59 IST on the 29th
    _entry(at=datetime(2026, 11, 29, 18, 30, tzinfo=UTC), target="30-nov-ist")
    text = page_text(asha_client.get(PAGE, {"date_from": "2026-11-29", "date_to": "29/11/2026"}).content.decode())
    assert "29-nov-ist-early" in text and "29-nov-ist-late" in text
    assert "28-nov-ist" not in text and "30-nov-ist" not in text


@pytest.mark.parametrize(
    "query", [{"date_from": "yesterday"}, {"date_from": "2026-11-30", "date_to": "2026-11-29"}, {"action": "x"}]
)
def test_a_bad_filter_is_reported_not_a_crash(asha_client, query):
    _entry(target="still-listed")
    response = asha_client.get(PAGE, query)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert "still-listed" in page_text(response.content.decode())


def test_it_pages_newest_first_and_keeps_the_filter_in_the_page_links(asha_client):
    for minute in range(51):
        _entry(action="mapping_viewed", at=STAMP.replace(minute=minute), target=f"entry-{minute:02}")
    query = {"action": "mapping_viewed"}
    first = page_text(asha_client.get(PAGE, query).content.decode())
    assert first.index("entry-50") < first.index("entry-49") and "entry-00" not in first
    assert "?action=mapping_viewed&amp;page=2" in asha_client.get(PAGE, query).content.decode()
    second = page_text(asha_client.get(PAGE, {**query, "page": "2"}).content.decode())
    assert "entry-00" in second and "entry-01" not in second
    assert asha_client.get(PAGE, {"page": "nine"}).status_code == 200


def _exported(client: Client, data: dict | None = None) -> list[list[str]]:
    response = client.post(EXPORT, data or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_it_exports_the_filtered_entries_in_ist_and_safe_for_excel(asha_client):
    _entry(action="sign_in_failed", username='=HYPERLINK("http://x")', address="198.51.100.4")
    _entry(action="sign_in", username="asha")
    rows = _exported(asha_client, {"action": "sign_in_failed"})
    assert rows[1:] == [["'2026-11-29 13:05:00", '\'=HYPERLINK("http://x")', "लॉग इन विफल", "", "'198.51.100.4", ""]]
    assert len(rows[0]) == 6


def test_an_export_is_itself_recorded_and_a_get_is_refused(asha_client, asha):
    _exported(asha_client, {"action": "sign_in", "person": "asha"})
    entry = AuditEntry.objects.get(action="audit_exported")
    assert (entry.user, entry.detail) == (asha, {"filters": ["action", "person"]})
    assert asha_client.get(EXPORT).status_code == 405
