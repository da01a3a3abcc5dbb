"""The roles: each can do its work (its admin pages answer 200) and gets the admin's 403 elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import resolve

from accounts.models import AccountMapping
from imports.models import ImportBatch
from kesco_lookup.celery import app as celery_app
from safety.models import OfficialContact, SafetyRule, ScamReport
from staff.middleware import AdminPermissionDeniedMiddleware
from tests.helpers import ramesh, sign_in
from tests.imports.helpers import batch_validated, csv_bytes
from tests.staff.helpers import member_of_staff

pytestmark = pytest.mark.django_db

FILE = csv_bytes("12345678,2640000001,Ram,North,9876543210")


@pytest.fixture(autouse=True)
def _imports_in_a_sandbox(settings, tmp_path) -> Iterator[None]:
    # Uploaded files in a temporary folder; queued import tasks run in-process even with a broker.
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def records() -> dict:
    """One of everything the admin shows, and the admin pages of each."""
    contact = OfficialContact.objects.create(kind="website", name_en="KESCO", name_hi="केस्को", value="https://kesco.in")
    report = ScamReport.objects.create(channel="sms", suspect="9876543210", message_text="pay now")
    mapping = ramesh()
    batch = batch_validated(FILE)
    return {"contact": contact, "report": report, "mapping": mapping, "batch": batch}


def _role_client(role: str | None = None, *, superuser: bool = False) -> Client:
    return sign_in(
        Client(), member_of_staff(role.lower().replace(" ", "-") if role else "admin", role=role, superuser=superuser)
    )


def _refused_in_the_admin(response) -> bool:
    # The admin's own 403 page: its header and sign-out, and the way back to its home page.
    html = response.content.decode()
    return response.status_code == 403 and 'id="header"' in html and 'href="/staff/"' in html and "logout-form" in html


def _pages(records: dict) -> dict[str, str]:
    mapping, contact, report, batch = (
        records["mapping"].pk,
        records["contact"].pk,
        records["report"].pk,
        records["batch"].pk,
    )
    return {
        "users": "/staff/auth/user/",
        "add a user": "/staff/auth/user/add/",
        "groups": "/staff/auth/group/",
        "failed sign-ins": "/staff/axes/accessattempt/",
        "mappings": "/staff/accounts/accountmapping/",
        "find a mapping": "/staff/accounts/accountmapping/find/",
        "a mapping": f"/staff/accounts/accountmapping/{mapping}/change/",
        "add a mapping": "/staff/accounts/accountmapping/add/",
        "delete a mapping": f"/staff/accounts/accountmapping/{mapping}/delete/",
        "import batches": "/staff/imports/importbatch/",
        "upload a file": "/staff/imports/importbatch/add/",
        "a batch": f"/staff/imports/importbatch/{batch}/change/",
        "official contacts": "/staff/safety/officialcontact/",
        "add an official contact": "/staff/safety/officialcontact/add/",
        "an official contact": f"/staff/safety/officialcontact/{contact}/change/",
        "delete an official contact": f"/staff/safety/officialcontact/{contact}/delete/",
        "payment channels": "/staff/safety/paymentchannel/",
        "rules": "/staff/safety/safetyrule/",
        "add a rule": "/staff/safety/safetyrule/add/",
        "alerts": "/staff/safety/alert/",
        "add an alert": "/staff/safety/alert/add/",
        "genuine messages": "/staff/safety/genuinemessage/",
        "add a genuine message": "/staff/safety/genuinemessage/add/",
        "scam reports": "/staff/safety/scamreport/",
        "a scam report": f"/staff/safety/scamreport/{report}/change/",
        "reports by suspect": "/staff/safety/scamreport/by-suspect/",
        "delete a scam report": f"/staff/safety/scamreport/{report}/delete/",
    }


ROLE_PAGES = {
    "Import operator": {
        "mappings", "find a mapping", "a mapping", "import batches", "upload a file", "a batch",
    },
    "Content editor": {
        "official contacts", "add an official contact", "an official contact", "payment channels", "rules",
        "add a rule", "alerts", "add an alert", "genuine messages", "add a genuine message",
    },
    "Support desk": {"mappings", "find a mapping", "a mapping", "scam reports", "a scam report", "reports by suspect"},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLE_PAGES)
def test_each_role_opens_its_own_pages_and_is_refused_the_rest_with_the_admins_403(role, records):
    client = _role_client(role)
    pages = _pages(records)
    assert client.get("/staff/").status_code == 200

    opened = {name for name, url in pages.items() if client.get(url).status_code == 200}
    refused = {name for name, url in pages.items() if _refused_in_the_admin(client.get(url))}

    assert opened == ROLE_PAGES[role]
    assert refused == set(pages) - ROLE_PAGES[role]


def test_an_administrator_opens_every_page(records):
    client = _role_client(superuser=True)
    pages = _pages(records)
    assert {name for name, url in pages.items() if client.get(url).status_code == 200} == set(pages)


def test_the_groups_hold_exactly_the_permissions_of_their_roles():
    def codenames(name: str) -> set[str]:
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert codenames("Import operator") == {"import_mapping", "view_accountmapping"}
    assert codenames("Content editor") == {
        f"{action}_{model}"
        for model in ("officialcontact", "paymentchannel", "safetyrule", "alert", "genuinemessage")
        for action in ("view", "add", "change")
    }
    # Made by accounts' migration 0004, left as it was: one group, its three permissions.
    assert Group.objects.filter(name="Support desk").count() == 1
    assert codenames("Support desk") == {"view_accountmapping", "view_scamreport", "change_scamreport"}
    assert not Group.objects.filter(name__icontains="admin").exists()  # administrators are superusers


def test_an_import_operator_uploads_applies_and_rolls_back(records, django_capture_on_commit_callbacks):
    client = _role_client("Import operator")

    # Each step queues its task when its transaction commits (run in-process here); apply and roll
    # back are the confirmation pages' second click.
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post("/staff/imports/importbatch/add/", {"file": SimpleUploadedFile("m.csv", FILE)})
    batch = ImportBatch.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(f"/staff/imports/importbatch/{batch.pk}/apply/", {"confirmed": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert AccountMapping.objects.get(old_account_number="12345678").new_account_number == "2640000001"
    with django_capture_on_commit_callbacks(execute=True):
        rolled_back = client.post(f"/staff/imports/importbatch/{batch.pk}/rollback/", {"confirmed": "1"})
    batch.refresh_from_db()

    assert [uploaded.status_code, applied.status_code, rolled_back.status_code] == [302, 302, 302]
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert AccountMapping.objects.get(old_account_number="12345678").new_account_number == "9912345678"


def test_a_content_editor_edits_the_registry_and_verifies_it_but_deletes_nothing(records):
    client = _role_client("Content editor")
    contact = records["contact"]

    verified = client.post(
        "/staff/safety/officialcontact/",
        {"action": "mark_verified", "_selected_action": [contact.pk]},
    )
    added = client.post(
        "/staff/safety/safetyrule/add/",
        {"text_en": "KESCO never calls", "text_hi": "कभी नहीं", "display_order": 1, "is_active": "on"},
    )
    deleted = client.post(f"/staff/safety/officialcontact/{contact.pk}/delete/", {"post": "yes"})

    contact.refresh_from_db()
    assert (verified.status_code, added.status_code) == (302, 302)
    assert contact.is_demo is False and contact.verified_by.username == "content-editor"
    assert SafetyRule.objects.filter(text_en="KESCO never calls").exists()
    assert _refused_in_the_admin(deleted)
    assert OfficialContact.objects.filter(pk=contact.pk).exists()


def test_no_role_but_the_support_desk_and_administrators_triages_scam_reports(records):
    report = records["report"]
    action = {"action": "set_status_reviewed", "_selected_action": [report.pk]}

    for role in ("Import operator", "Content editor"):
        assert _refused_in_the_admin(_role_client(role).post("/staff/safety/scamreport/", action)), role
    report.refresh_from_db()
    assert report.status == ScamReport.Status.NEW

    assert _role_client("Support desk").post("/staff/safety/scamreport/", action).status_code == 302
    report.refresh_from_db()
    assert report.status == ScamReport.Status.REVIEWED


def test_nobody_but_an_operator_applies_an_import(records):
    batch = records["batch"]
    for role in ("Content editor", "Support desk"):
        assert _refused_in_the_admin(
            _role_client(role).post(f"/staff/imports/importbatch/{batch.pk}/apply/", {"confirmed": "1"})
        ), role
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert not AccountMapping.objects.filter(new_account_number="2640000001").exists()


def test_only_administrators_change_users_and_roles(records):
    for role in ROLE_PAGES:
        client = _role_client(role)
        member = client.session  # noqa: F841  (signed in)
        posted = client.post(
            "/staff/auth/group/add/",
            {"name": "Everything", "permissions": list(Permission.objects.values_list("pk", flat=True))},
        )
        assert _refused_in_the_admin(posted), role
    assert not Group.objects.filter(name="Everything").exists()


def test_the_admins_403_is_in_hindi_with_the_way_back(records):
    response = _role_client("Support desk").get("/staff/imports/importbatch/add/")
    html = response.content.decode()
    assert _refused_in_the_admin(response)
    assert "आपकी भूमिका में यह पेज नहीं खुलता" in html
    assert "एडमिन के मुखपृष्ठ पर वापस जाएँ" in html
    assert "KESCO खाता संख्या: कर्मचारी पैनल" in html  # the admin's header, not the consumer site's
    assert "Back to the start" not in html and 'class="tap-link"' not in html


def test_outside_the_admin_a_refusal_keeps_the_consumer_sites_403():
    # The middleware answers only for admin views; elsewhere the site's handler403 renders as before.
    request = RequestFactory().post("/check/")
    request.resolver_match = resolve("/check/")
    assert AdminPermissionDeniedMiddleware(lambda request: None).process_exception(request, PermissionDenied()) is None
