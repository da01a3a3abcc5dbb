"""The support desk on a call: read a mapping and break nothing.

Members of the "Support desk" group (created by accounts migration 0004) may view mappings and
triage scam reports.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from safety.models import ScamReport
from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

MAPPINGS = "/staff/accounts/accountmapping/"


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk_member() -> Client:
    """Sunita, on the helpdesk: staff, and in the Support desk group, nothing else."""
    user = User.objects.create_user("sunita", password="pw-sunita-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    return _logged_in(user)


def test_the_support_desk_group_exists_after_migrate_with_view_only_rights_on_mappings():
    group = Group.objects.get(name="Support desk")
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("accounts", "view_accountmapping"),
        ("safety", "change_scamreport"),
        ("safety", "view_scamreport"),
    ]


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
