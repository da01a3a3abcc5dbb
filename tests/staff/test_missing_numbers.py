"""What consumers could not find: the import operators' list, its export, and who may see it."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.services import lookup_usage_fold
from imports.services import import_batch_rollback
from tests.helpers import make_mapping
from tests.imports.helpers import batch_applied, csv_bytes
from tests.staff.usage_helpers import bare_staff, desk, missed, operator, signed_in

pytestmark = pytest.mark.django_db

PAGE = "/staff/missing-numbers/"
EXPORT = "/staff/missing-numbers/export/"


def listed(response) -> list[tuple[str, str]]:
    """(number, searches) of each row shown."""
    html = response.content.decode()
    if 'id="missing-numbers"' not in html:
        return []
    body = html.split('id="missing-numbers"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td>(\d+)</td><td>(\d+)</td>", body)


def exported(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_an_operator_sees_the_numbers_most_searched_first_summed_over_the_days(client):
    today = timezone.localdate()
    missed("11110000", today, 2)
    missed("22220000", today, 5)
    missed("11110000", today - datetime.timedelta(days=3), 4)
    response = operator(client).get(PAGE)
    assert response.status_code == 200
    assert listed(response) == [("11110000", "6"), ("22220000", "5")]


def test_a_number_an_import_added_since_counts_as_found(client):
    today = timezone.localdate()
    missed("11110000", today, 2)
    missed("22220000", today, 1)
    make_mapping("11110000", "9911110000")  # as an applied import leaves it
    operator(client)
    assert listed(client.get(PAGE)) == [("22220000", "1")]
    assert listed(client.get(PAGE, {"status": "found"})) == [("11110000", "2")]
    assert listed(client.get(PAGE, {"status": "all"})) == [("11110000", "2"), ("22220000", "1")]
    assert listed(client.get(PAGE, {"status": "nonsense"})) == [("22220000", "1")]


def test_a_number_a_real_import_adds_counts_as_found_and_missing_again_after_its_rollback(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    missed("11110000", timezone.localdate(), 2)
    batch = batch_applied(csv_bytes("11110000,9911110000,Ram Prasad,North,9876543210"))
    operator(client)
    assert listed(client.get(PAGE)) == []
    assert listed(client.get(PAGE, {"status": "found"})) == [("11110000", "2")]
    import_batch_rollback(batch_id=batch.pk, user=None)
    assert listed(client.get(PAGE)) == [("11110000", "2")]


def test_it_pages_the_list(client):
    today = timezone.localdate()
    for index in range(55):
        missed(f"{30000000 + index}", today, 100 - index)
    operator(client)
    first, second = client.get(PAGE), client.get(PAGE, {"page": "2"})
    assert len(listed(first)) == 50 and len(listed(second)) == 5
    assert listed(first)[0] == ("30000000", "100")
    assert client.get(PAGE, {"page": "not-a-number"}).status_code == 200


def test_the_export_is_safe_to_open_in_excel_and_keeps_leading_zeros(client):
    missed("00123456", timezone.localdate(), 3, addresses=2)
    rows = exported(operator(client).get(EXPORT))
    assert len(rows) == 1
    # An apostrophe makes Excel keep the cell as text: 00123456, not 123456.
    assert rows[0]["old_account_number"] == "'00123456"
    assert (rows[0]["searches"], rows[0]["different_addresses"], rows[0]["found"]) == ("3", "2", "no")


def test_counted_misses_reach_the_page_after_the_fold(client):
    client.post("/lookup/", {"old_account_number": "8765-4321", "mobile_last4": "1111"})
    lookup_usage_fold()
    assert listed(operator(client).get(PAGE)) == [("87654321", "1")]


@pytest.mark.parametrize("url", [PAGE, EXPORT])
def test_the_support_desk_and_other_staff_get_a_403(client, url):
    missed("11110000", timezone.localdate(), 2)
    response = desk(client).get(url)
    assert response.status_code == 403
    assert "11110000" not in response.content.decode()
    client.logout()
    assert bare_staff(client).get(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, EXPORT])
def test_an_administrator_sees_them_and_nobody_signed_out_does(client, url):
    assert client.get(url).status_code == 302  # to the admin's sign-in
    assert client.get(url)["Location"].startswith("/staff/login/")
    signed_in(client, User.objects.create_superuser("asha", password="a-long-test-password"))
    assert client.get(url).status_code == 200


def test_the_admin_home_links_the_page_for_operators_only(client):
    assert "/staff/missing-numbers/" in operator(client).get("/staff/").content.decode()
    client.logout()
    html = desk(client).get("/staff/").content.decode()
    assert "/staff/missing-numbers/" not in html
    assert "/staff/dashboard/" in html
