"""An import operator's whole day in the browser: sign in with a code, upload, confirm, apply, see it
on the dashboard, roll back. Every click a person makes, against the real pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import translation

from accounts.models import AccountMapping
from imports.models import ImportBatch
from tests.helpers import SCREENSHOTS, authenticator_for, totp_code
from tests.imports.helpers import csv_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_process"),
]

PASSWORD = "a-long-test-password"


def test_an_operator_signs_in_uploads_applies_sees_it_on_the_dashboard_and_rolls_back(browser, live_server, tmp_path):
    operator = User.objects.create_user("asha", password=PASSWORD, is_staff=True)
    # The Import operator role's permissions (tests/staff/test_roles.py holds the group to them): a
    # transactional test's flush removes the groups a data migration made.
    operator.user_permissions.add(*Permission.objects.filter(codename__in=["import_mapping", "view_accountmapping"]))
    app = authenticator_for(operator)
    mapping_file = tmp_path / "kanpur-north.csv"
    mapping_file.write_bytes(csv_bytes("12345678,2640000001,Ram Prasad,North,9876543210"))
    url = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # Password and the authenticator app's code, in the one form.
    page.goto(url + "/staff/login/")
    page.locator("#id_username").fill("asha")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(totp_code(app))
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(url + "/staff/")

    # Upload: the rows are checked (in this process here) and the batch page shows the preview.
    page.goto(url + "/staff/imports/importbatch/add/")
    page.locator("input[type=file]").set_input_files(str(mapping_file))
    page.locator("#content form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/staff/imports/importbatch/\d+/change/$"))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.VALIDATED

    # Apply asks first, on a page of its own; nothing is live before the second click.
    page.locator(f"a[href$='/importbatch/{batch.pk}/apply/']").click()
    page.wait_for_url(re.compile(r"/apply/$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "apply-confirmation-hi.png"), full_page=True)
    assert not AccountMapping.objects.filter(old_account_number="12345678").exists()
    page.locator("#content form [type=submit]").click()
    page.wait_for_url(re.compile(r"/change/$"))
    assert AccountMapping.objects.get(old_account_number="12345678").new_account_number == "2640000001"

    # The dashboard's latest import is this one, applied.
    page.goto(url + "/staff/dashboard/")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-hi.png"), full_page=True)
    latest = page.locator("#latest-import")
    assert latest.locator(f"a[href$='/importbatch/{batch.pk}/change/']").count() == 1
    with translation.override("hi"):  # the admin's default language
        assert str(ImportBatch.Status.APPLIED.label) in latest.inner_text()

    # Roll back: asked again, then the mapping is gone.
    page.goto(url + f"/staff/imports/importbatch/{batch.pk}/change/")
    page.locator(f"a[href$='/importbatch/{batch.pk}/rollback/']").click()
    page.wait_for_url(re.compile(r"/rollback/$"))
    page.locator("#content form [type=submit]").click()
    page.wait_for_url(re.compile(r"/change/$"))
    context.close()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert batch.applied_by == operator and batch.rolled_back_by == operator
    assert not AccountMapping.objects.filter(old_account_number="12345678").exists()
