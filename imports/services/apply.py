"""The apply: a validated batch merged into the live table in one transaction; or ended unapplied."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from imports.locks import runner_lock
from imports.models import ImportBatch, ImportRow
from imports.selectors import short_old_number_rows
from imports.services.checks import live_table_mark, refusal_counts
from imports.services.progress import ProgressCallback, progress_report
from imports.services.reports import notes_with_short_old_numbers, report_write
from imports.services.sql import is_postgres, statements
from imports.services.staging import staging_delete
from imports.services.status import batch_fail, batch_transition
from kesco_lookup.metrics import import_stage_duration_record

logger = logging.getLogger(__name__)

Status = ImportBatch.Status
FailureCode = ImportBatch.FailureCode


def apply_in_transaction(batch_id: int, progress: ProgressCallback | None) -> int:
    """The merge, all or nothing. Returns how many rows were refused only now (numbers taken meanwhile)."""
    sql = statements()
    started = time.time()
    applied_at = timezone.now()
    # One stamp for every row this batch writes and for the batch itself: rollback relies on it.
    stamp = connection.ops.adapt_datetimefield_value(applied_at)
    with transaction.atomic():
        ImportBatch.objects.select_for_update().get(pk=batch_id)
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.execute(sql.live_lock)
                cursor.execute("SET LOCAL work_mem = %s", [settings.IMPORTS_WORK_MEM])
            # The live table may have changed since validation: check the numbers again, under the lock.
            refused_now = live_table_mark(cursor, batch_id)
            cursor.execute(sql.to_apply_count, [batch_id])
            total = cursor.fetchone()[0]
            progress_report(batch_id, phase="applying", done=0, total=total, started=started)
            cursor.execute(sql.history_insert, [batch_id])
            changed = max(cursor.rowcount, 0)
            cursor.execute(sql.live_update, [stamp, batch_id])
            progress_report(batch_id, phase="applying", done=changed, total=total, started=started, callback=progress)
            cursor.execute(sql.live_insert, [stamp, stamp, batch_id])
            created = max(cursor.rowcount, 0)
        applied = batch_transition(
            batch_id,
            expected=Status.APPLYING,
            to=Status.APPLIED,
            count_new=created,
            count_changed=changed,
            count_unchanged=total - changed - created,
            applied_at=applied_at,
            rows_stamp=applied_at,
            **(refusal_counts(batch_id) if refused_now else {}),
        )
        if not applied:  # never while we hold the runner lock; if it did, nothing must be committed
            raise RuntimeError("the batch left applying during its apply")
    progress_report(batch_id, phase="applying", done=total, total=total, started=started, callback=progress)
    return refused_now


def import_batch_apply(
    *, batch_id: int, user: AbstractBaseUser | None = None, progress: ProgressCallback | None = None
) -> ImportBatch:
    """Apply a validated batch to the live table in one transaction. Safe to run twice: it applies once."""
    with runner_lock(batch_id) as acquired:
        if not acquired:
            logger.info("import batch %s: apply already running elsewhere", batch_id)
            return ImportBatch.objects.get(pk=batch_id)
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == Status.APPLYING:
            # We hold the lock, so the process that started this apply is gone; its transaction was
            # rolled back by the database when its connection died.
            batch_fail(batch_id, expected=Status.APPLYING, code=FailureCode.WORKER_LOST, stage=ImportBatch.Stage.APPLY)
            return ImportBatch.objects.get(pk=batch_id)
        if batch.status != Status.VALIDATED:
            return batch
        if not ImportRow.objects.filter(batch_id=batch_id).exists():
            # The staging rows are gone (the unlogged table is emptied by a database crash).
            batch_fail(
                batch_id, expected=Status.VALIDATED, code=FailureCode.STAGING_LOST, stage=ImportBatch.Stage.VALIDATE
            )
            return ImportBatch.objects.get(pk=batch_id)
        applier = user if user is not None and user.is_authenticated else batch.applied_by
        if not batch_transition(batch_id, expected=Status.VALIDATED, to=Status.APPLYING, applied_by=applier):
            return ImportBatch.objects.get(pk=batch_id)
        started = time.monotonic()
        try:
            refused_now = apply_in_transaction(batch_id, progress)
        except Exception as error:
            # The error's class only: an IntegrityError's message quotes the conflicting number.
            logger.error("import batch %s: apply stopped by %s; nothing was changed", batch_id, type(error).__name__)
            batch_fail(batch_id, expected=Status.APPLYING, code=FailureCode.INTERNAL, stage=ImportBatch.Stage.APPLY)
            import_stage_duration_record(stage="apply", result="failed", seconds=time.monotonic() - started)
            return ImportBatch.objects.get(pk=batch_id)
        seconds = time.monotonic() - started
        ImportBatch.objects.filter(pk=batch_id).update(apply_seconds=round(seconds, 3))
        import_stage_duration_record(stage="apply", result="ok", seconds=seconds)
        batch = ImportBatch.objects.get(pk=batch_id)
        if refused_now:
            report_write(batch)
            short = short_old_number_rows(batch_id).count()
            ImportBatch.objects.filter(pk=batch_id).update(
                error_report=batch.error_report.name or "", notes=notes_with_short_old_numbers(batch.notes, short)
            )
        # The staging rows have done their job; the history in MappingChange is what rollback needs.
        staging_delete(batch_id)
        logger.info("import batch %s: applied", batch_id)
    return ImportBatch.objects.get(pk=batch_id)


def import_batch_end_unapplied(*, batch_id: int, code: ImportBatch.FailureCode) -> ImportBatch:
    """End a validated batch that the command checked but will not apply (a dry run, or not confirmed).

    Left *validated*, anyone could apply it from the admin later against a preview gone stale, and
    its checked rows (personal data) would wait 30 days for the purge. It ends *failed* with
    ``code`` (DRY_RUN or NOT_CONFIRMED): its staging rows go now, its file when the retention period
    after this end runs out; "Run again" checks the file afresh.
    """
    with runner_lock(batch_id) as acquired:
        if not acquired:
            return ImportBatch.objects.get(pk=batch_id)
        with transaction.atomic():
            ended = batch_fail(batch_id, expected=Status.VALIDATED, code=code, stage=ImportBatch.Stage.VALIDATE)
            if ended:
                staging_delete(batch_id)
    return ImportBatch.objects.get(pk=batch_id)
