"""A batch stuck in "queued" (its message lost) can be queued again by import staff, and is checked once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccountMapping
from imports import queueing, services
from imports.models import REQUEUE_AFTER, ImportBatch, ImportRow, MappingChange
from imports.tasks import import_batch_validate_task
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import batch_upload, csv_bytes, runner_alive

pytestmark = pytest.mark.django_db

DATA = csv_bytes("12345678,2640000001,Ram Kumar,North,9876543210", "1234567A,2640000002,,,")


def _client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, user)
    return client


def _stuck_in_queue(*, minutes: float, apply_when_valid: bool = False) -> ImportBatch:
    """An uploaded batch whose validation message never reached a worker."""
    batch = services.import_batch_create(
        uploaded_file=ContentFile(DATA, name="mapping.csv"),
        original_name="mapping.csv",
        user=None,
        apply_when_valid=apply_when_valid,
        queued=False,  # the message is "lost": nothing was queued
    )
    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=timezone.now() - timedelta(minutes=minutes))
    return ImportBatch.objects.get(pk=batch.pk)


def _requeue_url(batch: ImportBatch) -> str:
    return reverse("admin:imports_importbatch_requeue", args=[batch.pk])


def test_an_operator_queues_a_stuck_batch_again_and_it_is_checked(django_capture_on_commit_callbacks) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = _stuck_in_queue(minutes=REQUEUE_AFTER.total_seconds() / 60 + 1)

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert page.context["can_queue_again"] is True
    assert _requeue_url(batch).encode() in page.content

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = operator.post(_requeue_url(batch))

    assert response.status_code == 302
    assert len(callbacks) == 1  # queued once, after the commit
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert (batch.rows_read, batch.count_new, batch.count_refused) == (2, 1, 1)
    assert not AccountMapping.objects.exists()  # checked, not applied


def test_queue_again_is_neither_offered_nor_accepted_for_a_batch_queued_moments_ago(
    django_capture_on_commit_callbacks,
) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = _stuck_in_queue(minutes=1)

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        operator.post(_requeue_url(batch))

    assert page.context["can_queue_again"] is False
    assert _requeue_url(batch).encode() not in page.content
    assert callbacks == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="less than 10 minutes"):
        services.import_batch_requeue(batch_id=batch.pk, user=None)


def test_queue_again_is_refused_for_a_batch_that_is_no_longer_queued(django_capture_on_commit_callbacks) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = _stuck_in_queue(minutes=60)
    services.import_batch_validate(batch_id=batch.pk)
    validated_at = ImportBatch.objects.get(pk=batch.pk).validated_at

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        translation.override("en"),
        pytest.raises(services.ImportActionRefused, match="Only a batch still waiting"),
    ):
        services.import_batch_requeue(batch_id=batch.pk, user=None)
    with django_capture_on_commit_callbacks(execute=True) as posted_callbacks:
        response = operator.post(_requeue_url(batch))

    assert callbacks == posted_callbacks == []
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).validated_at == validated_at


def test_staff_without_the_import_permission_cannot_queue_a_batch_again(django_capture_on_commit_callbacks) -> None:
    clerk = _client_for(staff_user("clerk", can_import=False))
    batch = _stuck_in_queue(minutes=60)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = clerk.post(_requeue_url(batch))

    assert response.status_code == 403
    assert callbacks == []
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.QUEUED


def test_the_lost_message_arriving_after_all_leaves_one_result(django_capture_on_commit_callbacks) -> None:
    batch = _stuck_in_queue(minutes=60, apply_when_valid=True)
    with django_capture_on_commit_callbacks(execute=True):
        queueing.import_batch_queue(batch=services.import_batch_requeue(batch_id=batch.pk, user=None))
    first = ImportBatch.objects.get(pk=batch.pk)
    assert first.status == ImportBatch.Status.APPLIED
    report_name = first.error_report.name

    import_batch_validate_task.apply(args=[batch.pk])  # the original message, late

    again = ImportBatch.objects.get(pk=batch.pk)
    assert again.status == ImportBatch.Status.APPLIED
    assert (again.validated_at, again.applied_at) == (first.validated_at, first.applied_at)
    assert (again.rows_read, again.count_new, again.count_refused) == (2, 1, 1)
    assert again.error_report.name == report_name
    assert AccountMapping.objects.count() == 1  # not 2
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()  # no second staging load


def test_a_late_delivery_applies_an_apply_when_valid_batch_whose_first_apply_gave_up() -> None:
    # What the first delivery leaves when its apply found the second one holding the lock for a
    # moment (its status check) and gave up: validated, apply wanted, nothing applied.
    batch = _stuck_in_queue(minutes=60)
    services.import_batch_validate(batch_id=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(apply_when_valid=True)
    validated_at = ImportBatch.objects.get(pk=batch.pk).validated_at

    import_batch_validate_task.apply(args=[batch.pk])

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.validated_at == validated_at  # not checked a second time
    assert AccountMapping.objects.count() == 1


def test_a_late_delivery_never_applies_a_batch_the_uploader_wanted_to_review() -> None:
    batch = _stuck_in_queue(minutes=60)
    services.import_batch_validate(batch_id=batch.pk)

    import_batch_validate_task.apply(args=[batch.pk])

    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.VALIDATED
    assert not AccountMapping.objects.exists()
    assert not MappingChange.objects.exists()


def test_a_delivery_arriving_while_another_holds_the_batch_does_nothing() -> None:
    batch = _stuck_in_queue(minutes=60)

    with runner_alive(batch.pk):
        returned = services.import_batch_validate(batch_id=batch.pk)

    assert returned.status == ImportBatch.Status.QUEUED
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert ImportBatch.objects.get(pk=batch.pk).rows_read == 0


def test_an_upload_records_when_it_was_queued_and_a_retry_restarts_the_clock(
    django_capture_on_commit_callbacks,
) -> None:
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.import_batch_create(
            uploaded_file=ContentFile(csv_bytes(header="just,one,bad,header"), name="mapping.csv"),
            original_name="mapping.csv",
            user=None,
            apply_when_valid=False,
            queued=True,
        )
        queueing.import_batch_queue(batch=batch)
    assert len(callbacks) == 1
    assert batch.queued_at is not None and batch.queued_at >= before
    assert batch_upload(DATA).queued_at is None  # the command validates in-process: never queued
    services.import_batch_validate(batch_id=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=before - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queueing.import_batch_queue(batch=services.import_batch_retry(batch_id=batch.pk, user=None))
    assert len(callbacks) == 1

    retried = ImportBatch.objects.get(pk=batch.pk)
    assert retried.status == ImportBatch.Status.QUEUED
    assert retried.queued_at >= before
    assert retried.can_queue_again() is False
