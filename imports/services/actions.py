"""What staff ask of a batch from its page (apply it, run it again, queue it again), and the sweep for
batches whose worker died. These only write; imports.queueing puts the work on the queue."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.locks import runner_lock
from imports.models import REQUEUE_AFTER_MINUTES, ImportBatch, ImportRow
from imports.services.status import ImportActionRefused, batch_fail, batch_transition

logger = logging.getLogger(__name__)

Status = ImportBatch.Status


def import_batch_apply_request(*, batch_id: int, user: AbstractBaseUser) -> ImportBatch:
    """Record a staff member's click on Apply; the caller queues the apply."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.VALIDATED:
            raise ImportActionRefused(_("Only a validated batch can be applied."))
        batch.apply_requested_at = timezone.now()
        batch.applied_by = user
        batch.save(update_fields=["apply_requested_at", "applied_by"])
    return batch


def import_batch_retry(*, batch_id: int, user: AbstractBaseUser | None) -> ImportBatch:
    """Make a failed batch ready to run again: its apply if the staging rows survived, else from the file.

    A batch still shown running whose worker died (the page shows it failed already) is failed first.
    """
    _fail_if_abandoned(batch_id)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.FAILED:
            raise ImportActionRefused(_("Only a failed batch can be run again."))
        if batch.files_deleted_at is not None or not batch.file:
            raise ImportActionRefused(
                _(
                    "This batch's file was deleted after it ended, to keep no personal data longer than "
                    "needed. Upload the file again."
                )
            )
        staged = ImportRow.objects.filter(batch_id=batch_id).exists()
        cleared = {"failure_code": "", "failure_detail": "", "failed_stage": "", "failed_at": None}
        if batch.failed_stage == ImportBatch.Stage.APPLY and staged:
            batch_transition(batch_id, expected=Status.FAILED, to=Status.VALIDATED, applied_by=user, **cleared)
        else:
            batch_transition(batch_id, expected=Status.FAILED, to=Status.QUEUED, queued_at=timezone.now(), **cleared)
        batch.refresh_from_db()
    return batch


def import_batch_requeue(*, batch_id: int, user: AbstractBaseUser | None) -> ImportBatch:
    """Record that a batch stuck in *queued* is queued again (its message may have been lost).

    Allowed only REQUEUE_AFTER after it was last queued. If the first message turns up after all,
    whichever delivery comes second finds the lock taken or the batch no longer queued, and does
    nothing: one result either way.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.QUEUED:
            raise ImportActionRefused(_("Only a batch still waiting in the queue can be queued again."))
        if not batch.can_queue_again():
            raise ImportActionRefused(
                _(
                    "This batch was queued less than %(minutes)s minutes ago. Give the worker time to "
                    "pick it up, then try again."
                )
                % {"minutes": REQUEUE_AFTER_MINUTES}
            )
        batch.queued_at = timezone.now()
        batch.save(update_fields=["queued_at"])
    logger.info("import batch %s: queued again by staff", batch_id)
    return batch


def import_batches_fail_abandoned() -> int:
    """Mark failed every batch left validating or applying by a process that no longer exists.

    A running batch holds its lock; a batch whose lock is free has lost its worker (kill -9, a
    machine restart). Returns how many batches were marked. Run by celery beat (imports.tasks).
    """
    running = ImportBatch.objects.filter(status__in=[Status.VALIDATING, Status.APPLYING]).values_list("pk", flat=True)
    return sum(_fail_if_abandoned(batch_id) for batch_id in list(running))


def _fail_if_abandoned(batch_id: int) -> bool:
    with runner_lock(batch_id) as acquired:
        if not acquired:
            return False
        # Read under the lock: a batch that has moved on since is not failed.
        status = ImportBatch.objects.filter(pk=batch_id).values_list("status", flat=True).first()
        if status not in {Status.VALIDATING, Status.APPLYING}:
            return False
        stage = ImportBatch.Stage.APPLY if status == Status.APPLYING else ImportBatch.Stage.VALIDATE
        return batch_fail(batch_id, expected=status, code=ImportBatch.FailureCode.WORKER_LOST, stage=stage)
