"""The support desk on a call: find a mapping from wherever they are, read it, and break nothing.

Members of the "Support desk" group (created by accounts migration 0004) may view mappings and
triage scam reports; nobody deletes mappings in bulk.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from accounts.models import AccountMapping
from imports.models import ImportBatch
from safety.models import ScamReport
from tests.helpers import make_mapping, ramesh, sign_in

pytestmark = pytest.mark.django_db

FIND = "/staff/accounts/accountmapping/find/"
MAPPINGS = "/staff/accounts/accountmapping/"
STAMP = datetime(2026, 11, 29, 13, 5, tzinfo=ZoneInfo("Asia/Kolkata"))


def _logged_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def desk_member() -> Client:
    """Sunita, on the helpdesk: staff, and in the Support desk group, nothing else."""
    user = User.objects.create_user("sunita", password="pw-sunita-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    return _logged_in(user)


@pytest.fixture
def administrator() -> Client:
    return _logged_in(User.objects.create_superuser("admin", password="pw-admin-123"))


def _find_form(html: str) -> str:
    form = re.search(r'<form method="post" action="/staff/accounts/accountmapping/find/">.*?</form>', html, re.S)
    assert form, "no Find a mapping form"
    return form.group(0)


def test_the_support_desk_group_exists_after_migrate_with_view_only_rights_on_mappings():
    group = Group.objects.get(name="Support desk")
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("accounts", "view_accountmapping"),
        ("safety", "change_scamreport"),
        ("safety", "view_scamreport"),
    ]


def test_the_admin_home_page_opens_with_the_find_form(desk_member):
    html = desk_member.get("/staff/").content.decode()
    form = _find_form(html)
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="account_number"' in form and "autofocus" in form and 'autocomplete="off"' in form
    assert "<h2>मैपिंग खोजें</h2>" in html and html.index("<h2>मैपिंग खोजें</h2>") < html.index(form)


def test_staff_who_may_not_see_mappings_get_no_find_form():
    user = User.objects.create_user("ravi", password="pw-ravi-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_scamreport"))
    html = _logged_in(user).get("/staff/").content.decode()
    assert FIND not in html


def test_the_mapping_list_opens_with_the_find_form(desk_member):
    ramesh()
    html = desk_member.get(MAPPINGS).content.decode()
    assert html.index(_find_form(html)) < html.index('id="result_list"')


def test_a_desk_member_finds_a_mapping_and_reads_it_without_save_or_delete(desk_member):
    mapping = ramesh()
    response = desk_member.post(FIND, {"account_number": "1234 5678"}, follow=True)
    assert response.redirect_chain == [(f"{MAPPINGS}{mapping.pk}/change/", 302)]
    html = response.content.decode()
    for value in ("12345678", "9912345678", "Ramesh Kumar", "Kidwai Nagar", "4321"):
        assert value in html
    assert "खाता मैपिंग देखें" in html  # "View account mapping"
    assert 'name="_save"' not in html and 'name="_continue"' not in html and 'name="_addanother"' not in html
    assert "/delete/" not in html
    assert 'name="new_account_number"' not in html  # text, not a field


def test_a_desk_member_cannot_change_or_delete_a_mapping(desk_member):
    mapping = ramesh()
    change = desk_member.post(
        f"{MAPPINGS}{mapping.pk}/change/",
        {"old_account_number": "12345678", "new_account_number": "9900000000", "_save": "1"},
    )
    delete = desk_member.post(f"{MAPPINGS}{mapping.pk}/delete/", {"post": "yes"})
    assert (change.status_code, delete.status_code) == (403, 403)
    mapping.refresh_from_db()
    assert mapping.new_account_number == "9912345678"


def test_nobody_can_delete_mappings_in_bulk_from_the_list(administrator):
    mappings = [ramesh(), make_mapping("22223333", "9922223333")]
    html = administrator.get(MAPPINGS).content.decode()
    assert "delete_selected" not in html and "action-checkbox" not in html
    administrator.post(MAPPINGS, {"action": "delete_selected", "_selected_action": [m.pk for m in mappings]})
    assert AccountMapping.objects.count() == 2


def test_the_mapping_page_names_the_import_batch_that_wrote_it(desk_member):
    mapping = ramesh()
    AccountMapping.objects.filter(pk=mapping.pk).update(created_at=STAMP, updated_at=STAMP)
    batch = ImportBatch.objects.create(
        original_name="billing-november.csv",
        sha256="0" * 64,
        status=ImportBatch.Status.APPLIED,
        applied_at=STAMP,
        rows_stamp=STAMP,
    )
    html = desk_member.get(f"{MAPPINGS}{mapping.pk}/change/").content.decode()
    assert f"#{batch.pk} billing-november.csv, 29 नवंबर 2026, 13:05 को लागू हुआ" in html


def test_a_mapping_changed_since_its_import_names_no_batch(desk_member):
    mapping = ramesh()  # its updated_at is now, later than the batch's stamp
    ImportBatch.objects.create(
        original_name="billing-november.csv",
        sha256="0" * 64,
        status=ImportBatch.Status.APPLIED,
        applied_at=STAMP,
        rows_stamp=STAMP,
    )
    html = desk_member.get(f"{MAPPINGS}{mapping.pk}/change/").content.decode()
    assert "कोई नहीं: यह किसी आयात ने नहीं लिखा" in html
    assert "billing-november.csv" not in html


def test_a_desk_member_triages_scam_reports_but_cannot_delete_them(desk_member):
    report = ScamReport.objects.create(channel="call", suspect="+919876543210", message_text="bill not updated")
    response = desk_member.post(f"/staff/safety/scamreport/{report.pk}/change/", {"status": "reviewed", "_save": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ScamReport.Status.REVIEWED
    assert report.message_text == "bill not updated"
    assert desk_member.post(f"/staff/safety/scamreport/{report.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_desk_member_cannot_open_the_import_pages(desk_member):
    # A batch's file holds every consumer's name and mobile: only the import permission opens them.
    assert desk_member.get("/staff/imports/importbatch/").status_code == 403
