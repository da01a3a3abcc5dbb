"""Deleting a scam report, one by one or in bulk, in the admin or in code, deletes its screenshot file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from safety.models import ScamReport
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/staff/safety/scamreport/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(client):
    admin = get_user_model().objects.create_superuser("asha", "asha@example.com", "a-long-test-password")
    sign_in(client, admin)
    return client


def a_report_with_screenshot(**fields) -> ScamReport:
    report = ScamReport(channel="whatsapp", suspect="+919876543210", message_text="bill not updated", **fields)
    report.screenshot.save("screenshot.png", ContentFile(b"\x89PNG\r\n\x1a\n not really a picture"), save=False)
    report.save()
    return report


def stored_file(report: ScamReport) -> Path:
    path = Path(report.screenshot.path)
    assert path.is_file()
    return path


def test_deleting_a_report_in_code_deletes_its_screenshot_and_no_other(django_capture_on_commit_callbacks) -> None:
    doomed, kept = a_report_with_screenshot(), a_report_with_screenshot()
    doomed_file, kept_file = stored_file(doomed), stored_file(kept)

    with django_capture_on_commit_callbacks(execute=True):
        doomed.delete()

    assert not doomed_file.exists()
    assert kept_file.is_file()
    assert list(ScamReport.objects.all()) == [kept]


def test_a_queryset_delete_deletes_every_screenshot(django_capture_on_commit_callbacks) -> None:
    files = [stored_file(a_report_with_screenshot()) for _ in range(3)]
    without_screenshot = ScamReport.objects.create(channel="sms", suspect="UPPCLX")

    with django_capture_on_commit_callbacks(execute=True):
        ScamReport.objects.exclude(pk=without_screenshot.pk).delete()

    assert not any(path.exists() for path in files)
    assert list(ScamReport.objects.all()) == [without_screenshot]


def test_the_admins_delete_selected_action_deletes_the_screenshots(
    staff_client, django_capture_on_commit_callbacks
) -> None:
    chosen = [a_report_with_screenshot(), a_report_with_screenshot()]
    other = a_report_with_screenshot()
    chosen_files, other_file = [stored_file(report) for report in chosen], stored_file(other)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "delete_selected", "_selected_action": [report.pk for report in chosen], "post": "yes"},
        )

    assert response.status_code == 302
    assert not any(path.exists() for path in chosen_files)
    assert other_file.is_file()
    assert list(ScamReport.objects.all()) == [other]


def test_deleting_a_report_from_its_admin_page_deletes_the_screenshot(
    staff_client, django_capture_on_commit_callbacks
) -> None:
    report = a_report_with_screenshot()
    path = stored_file(report)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{CHANGELIST}{report.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not path.exists()
    assert not ScamReport.objects.exists()


def test_a_delete_that_is_rolled_back_keeps_the_screenshot(django_capture_on_commit_callbacks) -> None:
    report = a_report_with_screenshot()
    path = stored_file(report)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            ScamReport.objects.filter(pk=report.pk).delete()
            raise RuntimeError("the delete is undone")

    assert callbacks == []
    assert path.is_file()
    assert ScamReport.objects.filter(pk=report.pk).exists()
