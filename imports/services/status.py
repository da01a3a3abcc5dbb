"""A batch's status changes here and nowhere else: each is an UPDATE conditional on the status expected."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from django.utils import timezone

from imports.models import ImportBatch

logger = logging.getLogger(__name__)

Status = ImportBatch.Status


class ImportActionRefused(Exception):
    """A staff action that cannot be done now; the message is translated, ready to show."""


def batch_transition(batch_id: int, *, expected: Status | Collection[Status], to: Status, **fields: object) -> bool:
    """Move the batch to ``to`` (writing ``fields`` too) if its status is still ``expected``; whether it moved."""
    statuses = [expected] if isinstance(expected, str) else list(expected)
    return ImportBatch.objects.filter(pk=batch_id, status__in=statuses).update(status=to, **fields) == 1


def batch_fail(
    batch_id: int,
    *,
    expected: Status | Collection[Status],
    code: str,
    stage: ImportBatch.Stage,
    detail: str = "",
    at: datetime | None = None,
    **fields: object,
) -> bool:
    """End the batch failed if its status is still ``expected``; whether it did.

    ``code`` is an ImportBatch.FailureCode: the reader's refusals arrive as their values.
    """
    failed = batch_transition(
        batch_id,
        expected=expected,
        to=Status.FAILED,
        failure_code=code,
        failure_detail=detail,
        failed_stage=stage,
        failed_at=at or timezone.now(),
        **fields,
    )
    if failed:
        logger.warning("import batch %s: failed during %s (%s)", batch_id, stage, code)
    return failed
