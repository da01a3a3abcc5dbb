"""Data minimisation: the files and staging rows of ended batches deleted after the retention period.

Why, what is kept and when it runs: docs/imports.md, "How long files are kept".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imports.locks import lock_file, runner_lock
from imports.models import ImportBatch, ImportRow
from imports.services.staging import staging_delete
from imports.services.status import batch_fail

logger = logging.getLogger(__name__)

Status = ImportBatch.Status


@dataclass(frozen=True)
class FilesPurgeResult:
    batches: int  # batches whose files were (or, in a dry run, would be) deleted
    files: int  # files deleted (uploads and error reports); a dry run counts those present
    staging_rows: int  # leftover staging rows of failed batches, deleted with their file


def import_batch_files_delete(*, batch: ImportBatch) -> int:
    """Delete a batch's uploaded file and error report from storage; returns how many existed.

    Storage only: the caller decides what the batch row then says. A file already missing (deleted
    by hand, or by an earlier run whose database write was lost) is not an error.
    """
    present = _files_present(batch)
    for field_file in (batch.file, batch.error_report):
        if field_file:
            field_file.storage.delete(field_file.name)
    return present


def _files_present(batch: ImportBatch) -> int:
    return sum(
        1
        for field_file in (batch.file, batch.error_report)
        if field_file and field_file.storage.exists(field_file.name)
    )


def import_files_purge(*, retention_days: int, dry_run: bool = False, now: datetime | None = None) -> FilesPurgeResult:
    """Delete the uploaded file and the error report of batches that ended more than retention_days ago.

    With them go the staging rows a failed batch may still hold. A batch validated that long ago and
    never applied is expired: it ends failed ("expired") and loses the same. Batches still queued or
    running, and validated batches whose apply was asked for within the period, are never touched.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days)
    stale_validated = Q(status=Status.VALIDATED, validated_at__lt=cutoff) & (
        Q(apply_requested_at__isnull=True) | Q(apply_requested_at__lt=cutoff)
    )
    candidates = (
        ImportBatch.objects.filter(files_deleted_at__isnull=True)
        .filter(
            Q(status=Status.APPLIED, applied_at__lt=cutoff)
            | Q(status=Status.ROLLED_BACK, rolled_back_at__lt=cutoff)
            | Q(status=Status.FAILED, failed_at__lt=cutoff)
            | Q(status=Status.FAILED, failed_at__isnull=True, created_at__lt=cutoff)
            | stale_validated
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = files = staging_rows = 0
    for batch_id in list(candidates):
        if dry_run:
            batch = ImportBatch.objects.get(pk=batch_id)
            batches += 1
            files += _files_present(batch)
            staging_rows += ImportRow.objects.filter(batch_id=batch_id).count()
            continue
        # The runner lock keeps an apply from starting on a validated batch while it is expired.
        with runner_lock(batch_id) as acquired, transaction.atomic():
            if not acquired:
                continue  # an apply or a check is running right now: not stale
            # Locked and checked again: a staff member may have run or applied the batch meanwhile.
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.files_deleted_at is not None:
                continue
            expiring = ImportBatch.objects.filter(pk=batch_id).filter(stale_validated).exists()
            ended_at = batch.ended_at
            if not expiring and (ended_at is None or ended_at >= cutoff):
                continue
            staging_rows += ImportRow.objects.filter(batch_id=batch_id).count()
            staging_delete(batch_id)
            # Files first, inside the transaction: if storage refuses, the row still points at them
            # and the next run tries again; the opposite order could leave an orphan nobody deletes.
            files += import_batch_files_delete(batch=batch)
            files_gone = {"file": "", "error_report": "", "files_deleted_at": now}
            if expiring:
                batch_fail(
                    batch_id,
                    expected=Status.VALIDATED,
                    code=ImportBatch.FailureCode.EXPIRED,
                    stage=ImportBatch.Stage.VALIDATE,
                    at=now,
                    **files_gone,
                )
            else:
                ImportBatch.objects.filter(pk=batch_id).update(**files_gone)
            batches += 1
        logger.info(
            "import batch %s: files deleted after the retention period%s", batch_id, " (expired)" if expiring else ""
        )
    if not dry_run:
        # SQLite's runner locks are files (PostgreSQL's leave nothing behind): one per batch ever run.
        _lock_files_sweep()
    return FilesPurgeResult(batches=batches, files=files, staging_rows=staging_rows)


def _lock_files_sweep() -> None:
    """Delete the lock files of batches that can never run again: purged (their files deleted) or gone.

    Only those: deleting the lock file of a batch that may still run would let two processes lock two
    different files of the same name. Rollback takes no runner lock, so nobody waits on these.
    """
    lock_dir = lock_file(0).parent
    if not lock_dir.is_dir():
        return
    files = {int(path.stem): path for path in lock_dir.glob("*.lock") if path.stem.isdigit()}
    may_run = set(
        ImportBatch.objects.filter(pk__in=list(files), files_deleted_at__isnull=True).values_list("pk", flat=True)
    )
    for batch_id, path in files.items():
        if batch_id not in may_run:
            path.unlink(missing_ok=True)
