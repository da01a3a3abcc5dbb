"""A batch's status moves only from the status expected: one function owns every change."""

from __future__ import annotations

import pytest

from imports.models import ImportBatch
from imports.services.status import batch_fail, batch_transition
from tests.imports.helpers import batch_upload, batch_validated, csv_bytes

pytestmark = pytest.mark.django_db

Status = ImportBatch.Status


def test_a_transition_happens_only_from_the_status_expected() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,"))

    assert batch_transition(batch.pk, expected=Status.QUEUED, to=Status.VALIDATING) is False
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.VALIDATED
    assert batch_transition(batch.pk, expected=[Status.QUEUED, Status.VALIDATED], to=Status.APPLYING) is True
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.APPLYING


def test_a_batch_fails_once_with_its_code_stage_and_time() -> None:
    batch = batch_upload(csv_bytes("12345678,2640000001,,,"))
    code, stage = ImportBatch.FailureCode.INTERNAL, ImportBatch.Stage.VALIDATE

    failed = batch_fail(batch.pk, expected=Status.QUEUED, code=code, stage=stage, detail='{"row": 2}')
    again = batch_fail(batch.pk, expected=Status.QUEUED, code=ImportBatch.FailureCode.WORKER_LOST, stage=stage)

    batch.refresh_from_db()
    assert (failed, again) == (True, False)
    assert (batch.status, batch.failure_code, batch.failed_stage, batch.failure_detail) == (
        "failed",
        "internal",
        "validate",
        '{"row": 2}',
    )
    assert batch.failed_at is not None
