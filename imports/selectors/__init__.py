"""Reads for the import pages and the pipeline: a batch's live progress, its staged rows, what staff read.

What an apply or a rollback will change, for the pages that ask staff to confirm it, is in changes.py.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.locks import runner_lock_held
from imports.models import ImportBatch, ImportRow
from imports.progress import Progress, progress_key
from imports.reasons import ROW_REASONS
from imports.selectors.changes import (
    ApplyCounts,
    ChangedMapping,
    ChangedMappings,
    apply_summary,
    batch_apply_counts,
    batch_changes_to_apply,
    batch_changes_to_roll_back,
    batch_confirmation,
    grouped,
    rollback_summary,
)

# What changes.py holds, read from here like every other selector.
__all__ = [
    "ApplyCounts",
    "ChangedMapping",
    "ChangedMappings",
    "apply_summary",
    "batch_apply_counts",
    "batch_changes_to_apply",
    "batch_changes_to_roll_back",
    "batch_confirmation",
    "grouped",
    "rollback_summary",
]

FailureCode = ImportBatch.FailureCode


def progress_read(batch_id: int) -> Progress | None:
    """What the worker last reported; None before its first report, or when the cache is down."""
    try:
        value = cache.get(progress_key(batch_id))
    except Exception:
        return None
    return Progress(**value) if value else None


def batch_as_shown(*, batch: ImportBatch) -> ImportBatch:
    """The batch as its page shows it: one left validating or applying by a dead worker shows failed at once.

    A read-only copy (never saved): a GET writes nothing. The sweep on celery beat records the
    failure within a minute, and "Run again" records it first.
    """
    if batch.status not in {ImportBatch.Status.VALIDATING, ImportBatch.Status.APPLYING}:
        return batch
    if runner_lock_held(batch.pk):
        return batch
    shown = copy.copy(batch)
    shown.failed_stage = (
        ImportBatch.Stage.APPLY if batch.status == ImportBatch.Status.APPLYING else ImportBatch.Stage.VALIDATE
    )
    shown.status, shown.failure_code, shown.failure_detail = ImportBatch.Status.FAILED, FailureCode.WORKER_LOST, ""
    return shown


def batch_status(*, batch_id: int) -> str:
    """The batch's status as stored now (a task run in-process may have moved it on since it was read)."""
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


def staging_rows_with_lengths() -> QuerySet[ImportRow]:
    return ImportRow.objects.annotate(old_length=Length("old_account_number"))


def rows_with_short_old_numbers(batch_id: int) -> Q:
    """Rows that will be applied and whose old number is shorter than usual (the first of duplicates).

    Filters rows annotated by staging_rows_with_lengths().
    """
    return Q(batch_id=batch_id, reason="", is_duplicate=False, old_length__lt=settings.OLD_ACCOUNT_NUMBER_LENGTH)


def short_old_number_rows(batch_id: int) -> QuerySet[ImportRow]:
    """The rows the preview and the report flag: imported, with an old number shorter than usual."""
    return staging_rows_with_lengths().filter(rows_with_short_old_numbers(batch_id))


@dataclass(frozen=True)
class BatchProgress:
    status: str
    status_label: str
    running: bool
    phase: str
    done: int
    total: int | None
    percent: int | None
    rows_per_second: int | None
    seconds_left: int | None
    text: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def batch_progress(*, batch: ImportBatch) -> BatchProgress:
    """Rows done of total, rows per second and time left, from what the worker last reported."""
    running = batch.is_running
    progress = progress_read(batch.pk) if running else None
    done, total, rate, left, percent, phase = 0, None, None, None, None, ""
    if progress is not None:
        phase, done, total = progress.phase, progress.done, progress.total
        elapsed = max(time.time() - progress.started, 0.001)
        rate = int(done / elapsed) if done else None
        if total:
            percent = min(100, int(100 * done / total))
            if rate:
                left = max(0, int((total - done) / rate))
    if not running:
        text = str(batch.get_status_display())
    elif progress is None:
        text = _("Waiting for a worker to start…")
    elif total:
        text = _("%(done)s of %(total)s rows (%(percent)s%%), %(rate)s rows a second, about %(left)s s left") % {
            "done": done,
            "total": total,
            "percent": percent,
            "rate": rate or 0,
            "left": left if left is not None else "?",
        }
    else:
        text = _("%(done)s rows so far") % {"done": done}
    return BatchProgress(
        status=batch.status,
        status_label=str(batch.get_status_display()),
        running=running,
        phase=phase,
        done=done,
        total=total,
        percent=percent,
        rows_per_second=rate,
        seconds_left=left,
        text=text,
    )


_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 (with a byte-order mark)"),
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
_DELIMITER_LABELS = {
    ",": gettext_lazy("commas"),
    ";": gettext_lazy("semicolons"),
    "\t": gettext_lazy("tabs"),
}


def batch_read_as(*, batch: ImportBatch) -> str:
    """How the file was read (encoding and delimiter, or the sheet), for staff to spot a misread file."""
    row = batch.header_row or 1
    if batch.sheet_name:
        return _("Excel workbook, sheet %(sheet)s; header on row %(row)s.") % {
            "sheet": f"“{batch.sheet_name}”",
            "row": row,
        }
    if batch.encoding:
        return _("CSV file in %(encoding)s, columns separated by %(delimiter)s; header on row %(row)s.") % {
            "encoding": _ENCODING_LABELS.get(batch.encoding, batch.encoding),
            "delimiter": _DELIMITER_LABELS.get(batch.delimiter, f"“{batch.delimiter}”"),
            "row": row,
        }
    return ""


def batch_notes(*, batch: ImportBatch) -> list[str]:
    """What staff should check in the preview before applying, in plain words."""
    notes = batch.notes or {}
    sentences = []
    if notes.get("hidden_sheets_passed_over"):
        sentences.append(
            _("The first sheet of this workbook is hidden (%(hidden)s): the first visible sheet, %(sheet)s, was read.")
            % {
                "hidden": ", ".join(f"“{name}”" for name in notes["hidden_sheets_passed_over"]),
                "sheet": f"“{batch.sheet_name}”",
            }
        )
    if notes.get("hidden_rows"):
        sentences.append(
            _(
                "Rows hidden in the sheet (filtered out or hidden by hand): %(count)s. They were read and "
                "checked like the others; unhide them in Excel to see everything this batch imports."
            )
            % {"count": notes["hidden_rows"]}
        )
    if notes.get("short_old_numbers"):
        sentences.append(
            _(
                "Old account numbers shorter than the usual %(length)s digits: %(count)s. They are imported "
                "as they are (%(min)s to %(max)s digits are allowed), but check that Excel did not drop their leading "
                "zeros (00123456 saved as 123456): the report lists them."
            )
            % {
                "count": notes["short_old_numbers"],
                "length": settings.OLD_ACCOUNT_NUMBER_LENGTH,
                "min": settings.OLD_ACCOUNT_NUMBER_MIN_LENGTH,
                "max": settings.OLD_ACCOUNT_NUMBER_MAX_LENGTH,
            }
        )
    return sentences


def batch_short_old_numbers_first(*, batch: ImportBatch, limit: int = 50) -> list[dict]:
    """The first rows whose old number is shorter than usual, for the preview page (all: the report)."""
    return list(
        short_old_number_rows(batch.pk).order_by("row_number").values("row_number", "old_raw", "new_raw")[:limit]
    )


def batch_duplicate_note(*, batch: ImportBatch) -> str:
    """What uploading the same bytes again means, from what became of the earlier batch."""
    earlier = batch.duplicate_of
    if earlier is None:
        return ""
    params = {"id": earlier.pk}
    if earlier.status == ImportBatch.Status.APPLIED:
        return (
            _(
                "This file was already applied, as batch #%(id)s. Importing it again changes nothing, unless "
                "mappings were changed since: the preview counts those as changed."
            )
            % params
        )
    if earlier.status == ImportBatch.Status.ROLLED_BACK:
        return (
            _(
                "This file was already uploaded as batch #%(id)s, which was rolled back: importing it again "
                "applies its mappings again."
            )
            % params
        )
    if earlier.status == ImportBatch.Status.VALIDATED:
        return (
            _(
                "This file was already uploaded as batch #%(id)s, which is checked and waiting to be applied: "
                "apply one of the two, not both."
            )
            % params
        )
    if earlier.status == ImportBatch.Status.FAILED and earlier.failure_code in {
        FailureCode.DRY_RUN,
        FailureCode.NOT_CONFIRMED,
    }:
        return (
            _("This file was already checked as batch #%(id)s by the import command, which did not apply it.") % params
        )
    if earlier.status == ImportBatch.Status.FAILED:
        return (
            _(
                "This file was already uploaded as batch #%(id)s, which failed without changing anything: this "
                "batch checks it again."
            )
            % params
        )
    return (
        _(
            "This file was already uploaded as batch #%(id)s, which is still being processed: let it finish "
            "before applying this one."
        )
        % params
    )


def batch_uploader(*, batch: ImportBatch) -> str:
    """Who uploaded the batch: a staff account, or whoever ran the import command."""
    return _person(batch.uploaded_by, batch)


def batch_applier(*, batch: ImportBatch) -> str:
    """Who applied the batch (or confirmed its apply); "—" before anyone did."""
    if batch.applied_at is None and batch.apply_requested_at is None:
        return "—"
    return _person(batch.applied_by, batch)


def _person(user: object, batch: ImportBatch) -> str:
    # The command runs upload and apply itself: its operating-system login stands in for a staff account.
    if user is not None:
        return str(user)
    if batch.command_user:
        return _("%(user)s (command line)") % {"user": batch.command_user}
    return "—"


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT")


def batch_history(*, batch: ImportBatch) -> list[str]:
    """Who uploaded, applied and rolled back the batch, and when (in IST, as the project writes dates)."""
    lines = [
        _("Uploaded by %(person)s on %(when)s.")
        % {"person": _person(batch.uploaded_by, batch), "when": _when(batch.created_at)}
    ]
    if batch.applied_at is not None:
        lines.append(
            _("Applied by %(person)s on %(when)s.")
            % {"person": _person(batch.applied_by, batch), "when": _when(batch.applied_at)}
        )
    elif batch.apply_requested_at is not None:
        # Asked for, not (yet) done: applying now, or the apply failed.
        lines.append(
            _("Apply confirmed by %(person)s on %(when)s.")
            % {"person": _person(batch.applied_by, batch), "when": _when(batch.apply_requested_at)}
        )
    if batch.rolled_back_at is not None:
        lines.append(
            _("Rolled back by %(person)s on %(when)s.")
            % {"person": str(batch.rolled_back_by or "—"), "when": _when(batch.rolled_back_at)}
        )
    return lines


def batch_refusals_summary(*, batch: ImportBatch) -> list[tuple[str, str, int]]:
    """(code, plain words, count) for each reason rows were refused, most frequent first."""
    counts = sorted((batch.refused_by_reason or {}).items(), key=lambda item: -item[1])
    return [(code, str(ROW_REASONS.get(code, code)), count) for code, count in counts]


def batch_refused_rows_first(*, batch: ImportBatch, limit: int = 50) -> list[dict]:
    """The first refused rows, for the preview page (the full list is the error report)."""
    rows = (
        ImportRow.objects.filter(batch_id=batch.pk)
        .exclude(reason="")
        .order_by("row_number")
        .values("row_number", "old_raw", "new_raw", "reason")[:limit]
    )
    return [{**row, "reason_text": str(ROW_REASONS.get(row["reason"], row["reason"]))} for row in rows]


def batch_files_deleted_note(*, batch: ImportBatch) -> str:
    """What the batch page says instead of offering files that the retention rule deleted."""
    if batch.files_deleted_at is None:
        return ""
    # The end that started the clock: the last one before the deletion. An applied batch whose files
    # were deleted can be rolled back later; that later end must not make the figure negative.
    ends = [moment for moment in (batch.applied_at, batch.rolled_back_at, batch.failed_at) if moment]
    ended_at = max((moment for moment in ends if moment <= batch.files_deleted_at), default=batch.created_at)
    days = (batch.files_deleted_at - ended_at).days
    return _(
        "File deleted after %(days)s days: the uploaded file and the error report were deleted on %(date)s, "
        "%(days)s days after the batch ended, because they hold personal data. The counts, the SHA-256 "
        "and the rollback history are kept."
    ) % {"days": days, "date": date_format(localtime(batch.files_deleted_at), "DATE_FORMAT")}
