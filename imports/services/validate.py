"""Validation: a queued batch's file read into staging and checked, ending validated or failed."""

from __future__ import annotations

import csv
import json
import logging
import time

from django.utils import timezone

from imports.locks import runner_lock
from imports.models import ImportBatch
from imports.reader import FileRefused
from imports.services import checks
from imports.services.apply import import_batch_apply
from imports.services.progress import ProgressCallback
from imports.services.reports import notes_with_short_old_numbers, report_write
from imports.services.staging import staging_delete, staging_load
from imports.services.status import batch_fail, batch_transition
from kesco_lookup.metrics import import_stage_duration_record

logger = logging.getLogger(__name__)

Status = ImportBatch.Status
FailureCode = ImportBatch.FailureCode


def import_batch_validate(*, batch_id: int, progress: ProgressCallback | None = None) -> ImportBatch:
    """Read the file into staging and check every row; then apply it if the uploader asked for that.

    Safe to run twice: a second run while the first works, or after it finished, checks nothing
    again. Either run goes on to the apply of an "apply when valid" batch left validated: the
    first run's apply gives up if it finds the second run holding the lock for its status check,
    so the second must try in its place (the apply's own lock and status check keep it to one).
    """
    _validate_once(batch_id, progress)
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status == Status.VALIDATED and batch.apply_when_valid:
        return import_batch_apply(batch_id=batch_id, user=batch.uploaded_by, progress=progress)
    return batch


def _validate_once(batch_id: int, progress: ProgressCallback | None) -> None:
    with runner_lock(batch_id) as acquired:
        if not acquired:
            logger.info("import batch %s: validation already running elsewhere", batch_id)
            return
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == Status.VALIDATING:
            # We hold the lock, so the process that started this validation is gone.
            batch_fail(
                batch_id, expected=Status.VALIDATING, code=FailureCode.WORKER_LOST, stage=ImportBatch.Stage.VALIDATE
            )
            return
        if not batch_transition(
            batch_id, expected=Status.QUEUED, to=Status.VALIDATING, failure_code="", failure_detail=""
        ):
            return
        started = time.monotonic()
        result = "failed"
        try:
            staging_delete(batch_id)
            mapping_file, rows_read = staging_load(batch, progress)
            if rows_read == 0:
                raise FileRefused(FailureCode.NO_ROWS)
            checks.staging_mark(batch_id)
            preview, short = checks.preview_counts(batch_id)
            counts = {**preview, **checks.refusal_counts(batch_id)}
            report_write(batch)
            batch_transition(
                batch_id,
                expected=Status.VALIDATING,
                to=Status.VALIDATED,
                columns=mapping_file.columns,
                encoding=mapping_file.encoding,
                delimiter=mapping_file.delimiter,
                sheet_name=mapping_file.sheet_name[:255],
                header_row=mapping_file.header_row,
                notes=notes_with_short_old_numbers(mapping_file.notes, short),
                rows_read=rows_read,
                error_report=batch.error_report.name or "",
                validated_at=timezone.now(),
                validate_seconds=round(time.monotonic() - started, 3),
                **counts,
            )
            logger.info("import batch %s: validated %s rows", batch_id, rows_read)
            result = "ok"
        except FileRefused as refused:
            staging_delete(batch_id)
            _fail(batch_id, refused.code, detail=failure_detail(refused.details))
        except csv.Error:
            # The reader turns these into an unclosed-quote refusal naming the row; this is the net
            # under it. The file fails the same way every time, so never "internal" ("run it again").
            staging_delete(batch_id)
            _fail(batch_id, FailureCode.MALFORMED_CSV)
        except Exception as error:
            # The error's class only: database messages can quote a row's values (account numbers).
            logger.error("import batch %s: validation stopped by %s", batch_id, type(error).__name__)
            _fail(batch_id, FailureCode.INTERNAL)
        finally:
            import_stage_duration_record(stage="validate", result=result, seconds=time.monotonic() - started)


def _fail(batch_id: int, code: str, *, detail: str = "") -> None:
    batch_fail(
        batch_id,
        expected=Status.VALIDATING,
        code=code,
        stage=ImportBatch.Stage.VALIDATE,
        detail=detail,
    )


def failure_detail(details: dict) -> str:
    """A refusal's details as the JSON a batch keeps; the columns found are dropped if it would not fit."""
    detail = json.dumps(details, ensure_ascii=False) if details else ""
    limit = ImportBatch._meta.get_field("failure_detail").max_length
    if len(detail) > limit:
        detail = json.dumps({key: value for key, value in details.items() if key != "found"}, ensure_ascii=False)
    return detail[:limit]
