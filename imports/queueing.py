"""Puts a batch's next step on the Celery queue, once the transaction that decided it commits.

The one module that imports the tasks besides Celery itself: services write, tasks call services,
and the callers of a service that leaves work to do (the admin's views) queue it here.
"""

from __future__ import annotations

from django.db import transaction

from imports.models import ImportBatch
from imports.tasks import import_batch_apply_task, import_batch_validate_task


def import_batch_queue(*, batch: ImportBatch) -> None:
    """Queue what the batch waits for: its validation when queued, its apply when validated."""
    if batch.status == ImportBatch.Status.QUEUED:
        task = import_batch_validate_task
    elif batch.status == ImportBatch.Status.VALIDATED:
        task = import_batch_apply_task
    else:
        raise ValueError(f"import batch {batch.pk} waits for nothing (it is {batch.status})")
    batch_id = batch.pk
    transaction.on_commit(lambda: task.delay(batch_id))
