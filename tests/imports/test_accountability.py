"""Who did what to a batch, and when: on its page, in its list, in the admin's log and its recent actions.

And the message after an action says what happened, also when the task ran in this very request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imports import services
from imports.models import REQUEUE_AFTER, ImportBatch
from imports.services.status import batch_fail
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import batch_upload, batch_validated, csv_bytes

DATA = csv_bytes("12345678,2640000001,Ram,North,9876543210", "22345678,2640000002,,,")


def _staff(username: str, language: str = "en") -> Client:
    client = sign_in(Client(), staff_user(username, can_import=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _upload(client: Client, data: bytes = DATA, *, apply_when_valid: bool = False):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile("mapping.csv", data), "apply_when_valid": "on" if apply_when_valid else ""},
    )


def _confirm(client: Client, action: str, batch: ImportBatch):  # type: ignore[no-untyped-def]
    return client.post(reverse(f"admin:imports_importbatch_{action}", args=[batch.pk]), {"confirmed": "1"})


def _page(client: Client, batch: ImportBatch) -> str:
    return client.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content.decode()


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.wsgi_request._messages]


@pytest.mark.django_db
def test_the_batch_page_says_who_uploaded_applied_and_rolled_back_and_when_in_ist(
    django_capture_on_commit_callbacks,
) -> None:
    asha, ravi, meena = _staff("asha"), _staff("ravi", "hi"), _staff("meena")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(asha)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(ravi, "apply", batch)
    _confirm(meena, "rollback", batch)
    # 04:35 UTC is 10:05 in India.
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime(2026, 12, 7, 4, 35, tzinfo=UTC),
        applied_at=datetime(2026, 12, 7, 4, 50, tzinfo=UTC),
        rolled_back_at=datetime(2026, 12, 7, 5, 30, tzinfo=UTC),
    )

    english, hindi = _page(asha, batch), _page(ravi, batch)

    assert "Uploaded by asha on 7 Dec 2026, 10:05." in english
    assert "Applied by ravi on 7 Dec 2026, 10:20." in english
    assert "Rolled back by meena on 7 Dec 2026, 11:00." in english
    assert "asha ने 7 दिसंबर 2026, 10:05 को अपलोड किया।" in hindi
    assert "ravi ने 7 दिसंबर 2026, 10:20 को लागू किया।" in hindi
    assert "meena ने 7 दिसंबर 2026, 11:00 को वापस लिया।" in hindi
    listed = asha.get(reverse("admin:imports_importbatch_changelist"))
    assert listed.context["cl"].result_list[0].applied_by.username == "ravi"
    assert '<td class="field-applier">ravi</td>' in listed.content.decode()


@pytest.mark.django_db
def test_a_batch_applied_when_valid_names_its_uploader_as_the_one_who_applied_it(
    django_capture_on_commit_callbacks,
) -> None:
    asha = _staff("asha")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(asha, apply_when_valid=True)
    batch = ImportBatch.objects.get()

    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.applied_by.username == "asha"
    assert "Applied by asha on " in _page(asha, batch)


@pytest.mark.django_db
def test_a_batch_whose_apply_is_asked_for_says_who_asked_before_it_is_applied() -> None:
    ravi = _staff("ravi")
    batch = batch_validated(DATA)

    _confirm(ravi, "apply", batch)  # the task is not run: a worker would pick it up later

    page = _page(ravi, batch)
    assert "Apply confirmed by ravi on " in page
    assert "Applied by" not in page


def _log(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [
        (entry.action_flag, entry.user.username, entry.get_change_message())
        for entry in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ImportBatch), object_id=str(batch.pk)
        ).order_by("pk")
    ]


@pytest.mark.django_db
def test_every_import_action_by_a_person_is_in_the_admins_log(django_capture_on_commit_callbacks) -> None:
    asha = _staff("asha")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(asha)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(asha, "apply", batch)
    _confirm(asha, "rollback", batch)

    failed = batch_validated(csv_bytes("32345678,2640000003,,,"))
    batch_fail(failed.pk, expected=ImportBatch.Status.VALIDATED, code="internal", stage=ImportBatch.Stage.APPLY)
    with django_capture_on_commit_callbacks(execute=True):
        asha.post(reverse("admin:imports_importbatch_retry", args=[failed.pk]))

    stuck = batch_upload(csv_bytes("42345678,2640000004,,,"))
    ImportBatch.objects.filter(pk=stuck.pk).update(queued_at=timezone.now() - REQUEUE_AFTER - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        asha.post(reverse("admin:imports_importbatch_requeue", args=[stuck.pk]))

    assert _log(batch) == [
        (ADDITION, "asha", "Uploaded / अपलोड किया गया"),
        (CHANGE, "asha", "Apply confirmed / लागू करने की पुष्टि की गई"),
        (CHANGE, "asha", "Rolled back / वापस लिया गया"),
    ]
    assert _log(failed) == [(CHANGE, "asha", "Retried / फिर से चलाया गया")]
    assert _log(stuck) == [(CHANGE, "asha", "Queued again / फिर से कतार में डाला गया")]
    assert LogEntry.objects.filter(object_id=str(batch.pk)).first().object_repr == str(batch)
    history = asha.get(reverse("admin:imports_importbatch_history", args=[batch.pk])).content.decode()
    assert "Apply confirmed / लागू करने की पुष्टि की गई" in history
    assert "No fields changed" not in history


@pytest.mark.django_db
def test_a_refused_action_writes_nothing_to_the_log() -> None:
    asha = _staff("asha")
    batch = batch_validated(DATA)

    refused = _confirm(asha, "rollback", batch)  # only an applied batch can be rolled back
    unconfirmed = asha.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]))

    assert _messages(refused) == ["Only an applied batch can be rolled back."]
    assert unconfirmed.status_code == 302
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "kind"), [("en", "Import batch"), ("hi", "आयात बैच")])
def test_the_admin_home_shows_imports_among_the_recent_actions(
    language: str, kind: str, django_capture_on_commit_callbacks
) -> None:
    asha = _staff("asha", language)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(asha)
    batch = ImportBatch.objects.get()
    _confirm(asha, "apply", batch)

    home = asha.get(reverse("admin:index")).content.decode()

    recent = home[home.index('id="recent-actions-module"') :]
    change_url = reverse("admin:imports_importbatch_change", args=[batch.pk])
    assert recent.count(f'<a href="{change_url}">{batch}</a>') == 2  # the upload, then the apply
    assert kind in recent


@pytest.mark.django_db(transaction=True)
def test_after_an_upload_checked_in_process_the_message_says_it_is_checked() -> None:
    # The embedded default: no broker, so the check runs inside the upload request.
    asha = _staff("asha")

    response = _upload(asha)

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert _messages(response) == [f"Batch #{batch.pk} is checked: see the preview below."]


@pytest.mark.django_db(transaction=True)
def test_after_an_apply_run_in_process_the_message_says_it_is_applied() -> None:
    asha, ravi = _staff("asha"), _staff("ravi")
    applied_at_once = _upload(asha, apply_when_valid=True)
    first = ImportBatch.objects.get()
    ravi.get(_upload(ravi, csv_bytes("52345678,2640000005,,,"))["Location"])  # its message read there
    second = ImportBatch.objects.latest("pk")

    applied = _confirm(ravi, "apply", second)

    assert _messages(applied_at_once) == [f"Batch #{first.pk} is applied."]
    assert _messages(applied) == [f"Batch #{second.pk} is applied."]
    assert ImportBatch.objects.get(pk=second.pk).status == ImportBatch.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_after_a_file_refused_in_process_the_message_says_it_failed() -> None:
    asha = _staff("asha")

    response = _upload(asha, b"old_account_number,consumer_name\n12345678,Ram\n")

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert _messages(response) == [f"Batch #{batch.pk} failed and nothing was changed: see why below."]
    assert [message.level_tag for message in response.wsgi_request._messages] == ["error"]


@pytest.mark.django_db
def test_with_a_worker_to_come_the_message_still_says_it_is_being_checked(django_capture_on_commit_callbacks) -> None:
    asha = _staff("asha")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(asha)

    batch = ImportBatch.objects.get()
    assert len(queued) == 1
    assert _messages(response) == [f"Batch #{batch.pk} uploaded: its rows are being checked."]


@pytest.mark.django_db
def test_a_rollback_done_in_the_request_says_so() -> None:
    asha = _staff("asha")
    batch = batch_validated(DATA)
    services.import_batch_apply(batch_id=batch.pk)

    response = _confirm(asha, "rollback", batch)

    assert _messages(response) == ["The batch was rolled back: every mapping it wrote is as it was before."]
