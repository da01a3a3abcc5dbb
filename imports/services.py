"""Writes for bulk imports: create a batch, validate it into staging, apply it atomically, roll it back.

The checks and the merge are set-based SQL that runs on PostgreSQL and SQLite alike; only the
bulk load differs (COPY on PostgreSQL, batched INSERTs on SQLite). Account numbers, names and
mobiles never reach the logs: only batch ids and counts do.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import hashlib
import io
import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import openpyxl
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.models import REQUEUE_AFTER_MINUTES, ImportBatch, ImportRow
from imports.reader import FileRefused, MappingFile, mapping_file_open
from imports.reasons import ROW_REASONS, ROW_WARNINGS, bilingual, in_english_and_hindi
from imports.rows import CheckedRow, Lengths, row_check
from kesco_lookup.excel import excel_safe, report_text

logger = logging.getLogger(__name__)

Status = ImportBatch.Status
ProgressCallback = Callable[[str, int, "int | None"], None]

# PostgreSQL advisory locks take two int4 keys: this namespace ("KE") and the batch id. A lock is held
# for as long as a validation or an apply runs; the database frees it when that session dies, which
# is how a batch whose worker was killed is told apart from one still at work.
_LOCK_NAMESPACE = 0x4B45
_CHUNK_ROWS = 50_000
_PROGRESS_EVERY_ROWS = 10_000
_PROGRESS_TIMEOUT = 24 * 3600


class ImportActionRefused(Exception):
    """A staff action that cannot be done now; the message is translated, ready to show."""


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None
    started: float
    updated: float


# --- Locks and progress ---------------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def _runner_lock(batch_id: int) -> Iterator[bool]:
    """Try to become the one process working on this batch; yields whether it succeeded."""
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, batch_id])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, batch_id])
        return
    # SQLite runs on one machine: an flock on a file has the same property (freed when the process dies).
    lock_file = _lock_file(batch_id)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            acquired = True
        except BlockingIOError:
            acquired = False
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "locks" / f"{batch_id}.lock"


def _lock_files_sweep() -> None:
    """Delete the lock files of batches that can never run again: purged (their files deleted) or gone.

    Only those: deleting the lock file of a batch that may still run would let two processes lock two
    different files of the same name. A purged batch cannot be run again ("upload the file again")
    and rollback takes no runner lock, so nobody waits on these.
    """
    lock_dir = _lock_file(0).parent
    if not lock_dir.is_dir():
        return
    files = {int(path.stem): path for path in lock_dir.glob("*.lock") if path.stem.isdigit()}
    may_run = set(
        ImportBatch.objects.filter(pk__in=list(files), files_deleted_at__isnull=True).values_list("pk", flat=True)
    )
    for batch_id, path in files.items():
        if batch_id not in may_run:
            path.unlink(missing_ok=True)


def _progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def _progress_report(batch_id: int, *, phase: str, done: int, total: int | None, started: float) -> None:
    # Progress goes to the cache, not the batch row: the apply holds its transaction open, and the
    # admin must see progress meanwhile. A cache outage must never stop an import.
    try:
        cache.set(
            _progress_key(batch_id),
            {"phase": phase, "done": done, "total": total, "started": started, "updated": time.time()},
            _PROGRESS_TIMEOUT,
        )
    except Exception:
        logger.warning("import batch %s: progress not recorded (cache unavailable)", batch_id)


def progress_read(batch_id: int) -> Progress | None:
    try:
        value = cache.get(_progress_key(batch_id))
    except Exception:
        return None
    return Progress(**value) if value else None


def _fail(batch_id: int, *, code: str, stage: str, detail: str = "") -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=Status.FAILED,
        failure_code=code,
        failure_detail=detail,
        failed_stage=stage,
        failed_at=timezone.now(),
    )
    logger.warning("import batch %s: failed during %s (%s)", batch_id, stage, code)


def _failure_detail(details: dict) -> str:
    """A refusal's details as the JSON a batch keeps; the columns found are dropped if it would not fit."""
    detail = json.dumps(details, ensure_ascii=False) if details else ""
    limit = ImportBatch._meta.get_field("failure_detail").max_length
    if len(detail) > limit:
        detail = json.dumps({key: value for key, value in details.items() if key != "found"}, ensure_ascii=False)
    return detail[:limit]


def _staging_delete(batch_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM imports_importrow WHERE batch_id = %s", [batch_id])


# --- Upload ---------------------------------------------------------------------------------------


def import_batch_create(
    *,
    uploaded_file: File,
    original_name: str,
    user: AbstractBaseUser | None,
    apply_when_valid: bool,
    queue: bool = True,
    command_user: str = "",
) -> ImportBatch:
    """Store the file, flag it if the same bytes came before, and queue its validation.

    ``queue=False`` is for callers that validate in-process themselves (the management command),
    which also say who ran them (``command_user``, the operating-system login).
    """
    from imports.tasks import import_batch_validate_task

    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    sha256 = digest.hexdigest()
    batch = ImportBatch(
        original_name=Path(original_name).name[:255],
        sha256=sha256,
        duplicate_of=ImportBatch.objects.filter(sha256=sha256).order_by("-created_at").first(),
        uploaded_by=user if user is not None and user.is_authenticated else None,
        command_user=command_user[:150],
        apply_when_valid=apply_when_valid,
        queued_at=timezone.now() if queue else None,
    )
    # The stored name keeps only the extension: a file name may itself carry personal data.
    batch.file.save(f"mapping{Path(original_name).suffix.lower()[:8]}", uploaded_file, save=False)
    batch.save()
    if queue:
        transaction.on_commit(lambda: import_batch_validate_task.delay(batch.pk))
    logger.info("import batch %s: uploaded (%s bytes)", batch.pk, batch.file.size)
    return batch


# --- Validation -----------------------------------------------------------------------------------

_STAGING_COLUMNS = (
    "batch_id",
    "row_number",
    "old_raw",
    "new_raw",
    "old_account_number",
    "new_account_number",
    "consumer_name",
    "division",
    "mobile_last4",
    "reason",
    "is_duplicate",
)
_COPY_STAGING = (
    f"COPY imports_importrow ({', '.join(_STAGING_COLUMNS)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ("
    "old_raw, new_raw, old_account_number, new_account_number, consumer_name, division, mobile_last4, reason))"
)


def _staging_values(batch_id: int, rows: list[CheckedRow]) -> list[tuple]:
    return [
        (
            batch_id,
            row.row_number,
            row.old_raw,
            row.new_raw,
            row.old_account_number,
            row.new_account_number,
            row.consumer_name,
            row.division,
            row.mobile_last4,
            row.reason,
            False,
        )
        for row in rows
    ]


class _StagingWriter:
    """Writes checked rows to staging in chunks.

    On PostgreSQL each chunk goes by COPY from a second thread while this one parses the next
    chunk: the database's work overlaps Python's. At most one chunk is in flight, so memory stays
    at about two chunks however long the file. The main thread does not touch the database until
    close() has waited for the last COPY.
    """

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.postgres = _is_postgres()
        self._pool = ThreadPoolExecutor(max_workers=1) if self.postgres else None
        self._in_flight: Future | None = None
        if self.postgres:
            connection.ensure_connection()
            # Django's `connection` is per thread: hand the copying thread this thread's raw one.
            self._raw_connection = connection.connection

    def write(self, rows: list[CheckedRow]) -> None:
        if not rows:
            return
        if not self.postgres:
            placeholders = ", ".join(["%s"] * len(_STAGING_COLUMNS))
            # One transaction per chunk: in autocommit SQLite commits (and syncs to disk) after every
            # row, which made 200,000 rows take minutes instead of seconds.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO imports_importrow ({', '.join(_STAGING_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                    _staging_values(self.batch_id, rows),
                )
            return
        # The csv module (C) quotes what needs quoting; FORCE_NOT_NULL keeps empty cells as ''.
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_staging_values(self.batch_id, rows))
        buffer.seek(0)
        self._wait()
        assert self._pool is not None
        self._in_flight = self._pool.submit(self._copy, buffer)

    def _copy(self, buffer: io.StringIO) -> None:
        # The raw psycopg2 connection: thread-safe, and Django's wrapper is not used meanwhile.
        with self._raw_connection.cursor() as cursor:
            cursor.copy_expert(_COPY_STAGING, buffer, size=1024 * 1024)

    def _wait(self) -> None:
        if self._in_flight is not None:
            in_flight, self._in_flight = self._in_flight, None
            in_flight.result()  # re-raises a failed COPY here, in the caller's thread

    def close(self) -> None:
        try:
            self._wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


def _staging_load(batch: ImportBatch, progress: ProgressCallback | None) -> tuple[MappingFile, int]:
    mapping_file = mapping_file_open(Path(batch.file.path), original_name=batch.original_name)
    started = time.time()
    rows_read = 0
    chunk: list[CheckedRow] = []
    lengths = Lengths.from_settings()
    writer = _StagingWriter(batch.pk)
    # The loop makes millions of short-lived objects and no reference cycles: the cyclic garbage
    # collector would only rescan them, so it is paused for the loop (reference counting still
    # frees every row as soon as its chunk is written).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for raw in mapping_file.rows:
            chunk.append(row_check(raw, lengths))
            rows_read += 1
            if len(chunk) >= _CHUNK_ROWS:
                writer.write(chunk)
                chunk = []
            if rows_read % _PROGRESS_EVERY_ROWS == 0:
                fraction = mapping_file.fraction_read()
                estimate = max(rows_read, int(rows_read / fraction)) if fraction > 0 else None
                _progress_report(batch.pk, phase="validating", done=rows_read, total=estimate, started=started)
                if progress:
                    progress("validating", rows_read, estimate)
        writer.write(chunk)
    finally:
        if gc_was_enabled:
            gc.enable()
        writer.close()
        mapping_file.close()
    _progress_report(batch.pk, phase="validating", done=rows_read, total=rows_read, started=started)
    if progress:
        progress("validating", rows_read, rows_read)
    return mapping_file, rows_read


# Whole-file checks. Each statement is plain SQL that PostgreSQL and SQLite both run; "%s" is the batch.
_MARK_DUPLICATES = """
UPDATE imports_importrow SET is_duplicate = TRUE
FROM (
    SELECT id AS repeat_id FROM (
        SELECT id, ROW_NUMBER() OVER (
            PARTITION BY old_account_number, new_account_number, consumer_name, division, mobile_last4
            ORDER BY row_number
        ) AS position
        FROM imports_importrow
        JOIN (
            -- Only an old number seen more than once can have a duplicate: rank those rows alone.
            SELECT old_account_number AS repeated FROM imports_importrow
            WHERE batch_id = %s AND reason = '' GROUP BY old_account_number HAVING COUNT(*) > 1
        ) AS repeated_numbers ON old_account_number = repeated_numbers.repeated
        WHERE batch_id = %s AND reason = ''
    ) AS ranked WHERE position > 1
) AS repeats
WHERE imports_importrow.id = repeats.repeat_id
"""
# Joins rather than IN/EXISTS subqueries: both databases turn these into one hash join each.
_MARK_CONFLICTS = """
UPDATE imports_importrow SET reason = '{reason}'
FROM (
    SELECT {column} AS number FROM imports_importrow
    WHERE batch_id = %s AND reason = '' AND NOT is_duplicate
    GROUP BY {column} HAVING COUNT(*) > 1
) AS conflicted
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND imports_importrow.{column} = conflicted.number
"""
# A number must never be an old number and a new number at once: the lookup matches either column,
# and would find two accounts for it. Old == new in one row is refused by the row check; these are
# the rest. In the file: a new number that another standing row has as its old number (only an old
# number as long as a new number can be one, which keeps the hashed set small), then the rows whose
# old number is one of those new numbers: both sides are refused, as with conflicts, since the file
# does not say which is wrong.
_MARK_NEW_IS_OLD_IN_FILE = """
UPDATE imports_importrow SET reason = 'new_is_an_old_number'
FROM (
    SELECT DISTINCT old_account_number AS number FROM imports_importrow
    WHERE batch_id = %s AND reason = '' AND LENGTH(old_account_number) = %s
) AS olds
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND imports_importrow.new_account_number = olds.number
"""
_MARK_OLD_IS_NEW_IN_FILE = """
UPDATE imports_importrow SET reason = 'old_is_a_new_number'
FROM (
    SELECT DISTINCT new_account_number AS number FROM imports_importrow
    WHERE batch_id = %s AND reason = 'new_is_an_old_number'
) AS news
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND imports_importrow.old_account_number = news.number
"""
# Against the live table, at validation and again under the apply's lock (_live_table_mark): a new
# number the live table gives to a different old number; an old number that is a live mapping's new
# number; a new number that is another live mapping's old number. The last two compare only numbers
# of equal length, split so that each side is small: a staged new number always has the new length
# (%s), so only live old numbers of that length can match it, usually none, and PostgreSQL then skips
# the scan of staging altogether. Live new numbers usually have that length too, but the admin does
# not enforce it: those of any other length are compared with every staged old number in a second
# statement (usually none, so as cheap), and those of the new length only with staged old numbers of
# that length. Each split is exact; together they cost a few milliseconds instead of 0.2 s apiece.
_MARK_TAKEN = """
UPDATE imports_importrow SET reason = 'new_number_taken'
FROM accounts_accountmapping AS live
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND live.new_account_number = imports_importrow.new_account_number
  AND live.old_account_number <> imports_importrow.old_account_number
"""
_MARK_OLD_IS_NEW_LIVE = """
UPDATE imports_importrow SET reason = 'old_is_a_new_number'
FROM accounts_accountmapping AS live
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND LENGTH(imports_importrow.old_account_number) = %s
  AND live.new_account_number = imports_importrow.old_account_number
  AND live.old_account_number <> imports_importrow.old_account_number
"""
_MARK_OLD_IS_ODD_NEW_LIVE = """
UPDATE imports_importrow SET reason = 'old_is_a_new_number'
FROM (
    SELECT old_account_number, new_account_number FROM accounts_accountmapping
    WHERE LENGTH(new_account_number) <> %s
) AS live
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND live.new_account_number = imports_importrow.old_account_number
  AND live.old_account_number <> imports_importrow.old_account_number
"""
_MARK_NEW_IS_OLD_LIVE = """
UPDATE imports_importrow SET reason = 'new_is_an_old_number'
FROM (
    SELECT old_account_number AS number FROM accounts_accountmapping WHERE LENGTH(old_account_number) = %s
) AS live
WHERE imports_importrow.batch_id = %s AND imports_importrow.reason = ''
  AND live.number = imports_importrow.new_account_number
  AND live.number <> imports_importrow.old_account_number
"""
# An empty name, division or mobile cell never erases what the live table holds.
_DIFFERS = """(
    live.new_account_number <> staged.new_account_number
    OR (staged.consumer_name <> '' AND staged.consumer_name <> live.consumer_name)
    OR (staged.division <> '' AND staged.division <> live.division)
    OR (staged.mobile_last4 <> '' AND staged.mobile_last4 <> live.mobile_last4)
)"""
_TO_APPLY = "staged.batch_id = %s AND staged.reason = '' AND NOT staged.is_duplicate"
# The last figure: old numbers shorter than the usual length (%s), imported but flagged to staff.
_PREVIEW = f"""
SELECT
    COUNT(*),
    COALESCE(SUM(CASE WHEN live.id IS NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN live.id IS NOT NULL AND {_DIFFERS} THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN LENGTH(staged.old_account_number) < %s THEN 1 ELSE 0 END), 0)
FROM imports_importrow staged
LEFT JOIN accounts_accountmapping live ON live.old_account_number = staged.old_account_number
WHERE {_TO_APPLY}
"""  # noqa: S608


@contextmanager
def _bulk_work_memory(cursor) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Let PostgreSQL hash a whole batch in memory instead of spilling to disk (default is 4 MB)."""
    if not _is_postgres():
        yield
        return
    cursor.execute("SET work_mem = %s", [settings.IMPORTS_WORK_MEM])
    try:
        yield
    finally:
        cursor.execute("RESET work_mem")


def _staging_mark(batch_id: int) -> None:
    with connection.cursor() as cursor, _bulk_work_memory(cursor):
        if _is_postgres():
            # Fresh statistics after the bulk load, or the planner guesses and may pick nested loops.
            cursor.execute("ANALYZE imports_importrow")
        cursor.execute(_MARK_DUPLICATES, [batch_id, batch_id])
        # An old number given two different sets of details: all its rows are refused; then a new
        # number claimed by two old numbers, among the rows still standing.
        cursor.execute(
            _MARK_CONFLICTS.format(reason="conflicting_old", column="old_account_number"), [batch_id, batch_id]
        )
        cursor.execute(
            _MARK_CONFLICTS.format(reason="conflicting_new", column="new_account_number"), [batch_id, batch_id]
        )
        cursor.execute(_MARK_NEW_IS_OLD_IN_FILE, [batch_id, settings.NEW_ACCOUNT_NUMBER_LENGTH, batch_id])
        if cursor.rowcount:
            # Only then can a standing row's old number be another row's new number.
            cursor.execute(_MARK_OLD_IS_NEW_IN_FILE, [batch_id, batch_id])
        _live_table_mark(cursor, batch_id)


def _live_table_mark(cursor, batch_id: int) -> int:  # type: ignore[no-untyped-def]
    """The checks against the live table, run at validation and again at apply: rows refused."""
    refused = 0
    length = settings.NEW_ACCOUNT_NUMBER_LENGTH
    for statement, params in (
        (_MARK_TAKEN, [batch_id]),
        (_MARK_OLD_IS_NEW_LIVE, [batch_id, length]),
        (_MARK_OLD_IS_ODD_NEW_LIVE, [length, batch_id]),
        (_MARK_NEW_IS_OLD_LIVE, [length, batch_id]),
    ):
        cursor.execute(statement, params)
        refused += max(cursor.rowcount, 0)
    return refused


def _refusal_counts(batch_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason, COUNT(*) FROM imports_importrow WHERE batch_id = %s AND reason <> '' GROUP BY reason",
            [batch_id],
        )
        refused = {reason: count for reason, count in cursor.fetchall()}
        cursor.execute(
            "SELECT COUNT(*) FROM imports_importrow WHERE batch_id = %s AND reason = '' AND is_duplicate",
            [batch_id],
        )
        duplicates = cursor.fetchone()[0]
    return {
        "count_duplicates": int(duplicates),
        "count_refused": sum(refused.values()),
        "refused_by_reason": refused,
    }


def _preview_counts(batch_id: int) -> tuple[dict, int]:
    """How the rows to apply compare with the live table now (new, changed, unchanged), and how many
    of them have an old number shorter than the usual length."""
    with connection.cursor() as cursor, _bulk_work_memory(cursor):
        cursor.execute(_PREVIEW, [settings.OLD_ACCOUNT_NUMBER_LENGTH, batch_id])
        to_apply, new, changed, short = (int(value) for value in cursor.fetchone())
    return {"count_new": new, "count_changed": changed, "count_unchanged": to_apply - new - changed}, short


def _rows_with_short_old_numbers(batch_id: int) -> Q:
    """Rows that will be applied and whose old number is shorter than usual (the first of duplicates).

    Filters rows annotated by staging_rows_with_lengths().
    """
    return Q(batch_id=batch_id, reason="", is_duplicate=False, old_length__lt=settings.OLD_ACCOUNT_NUMBER_LENGTH)


def staging_rows_with_lengths() -> QuerySet[ImportRow]:
    return ImportRow.objects.annotate(old_length=Length("old_account_number"))


def short_old_number_rows(batch_id: int) -> QuerySet[ImportRow]:
    """The rows the preview and the report flag: imported, with an old number shorter than usual."""
    return staging_rows_with_lengths().filter(_rows_with_short_old_numbers(batch_id))


def _notes_with_short_old_numbers(notes: dict, short: int) -> dict:
    notes = {key: value for key, value in notes.items() if key != "short_old_numbers"}
    return {**notes, "short_old_numbers": short} if short else notes


def import_batch_report_xlsx(*, batch: ImportBatch) -> IO[bytes]:
    """The batch's error report as an XLSX workbook, every cell text: nothing for Excel to convert.

    Built on request from the stored CSV (no second copy of the personal data to keep and purge),
    streamed row by row (openpyxl's write-only mode) into a temporary file that is deleted when
    closed. Returns it open at its start.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(f"batch {batch.pk}")
    with batch.error_report.open("rb") as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        for index, row in enumerate(csv.reader(lines)):
            cells: list[object] = []
            for position, value in enumerate(row):
                if index and position == 0 and value.isdigit():
                    cells.append(int(value))  # the row number: ours, a number on purpose
                    continue
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", report_text(value)))
                cell.data_type = "s"  # text, even "=..." (openpyxl would otherwise write a formula)
                cells.append(cell)
            sheet.append(cells)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed over open; the response closes it)
    workbook.save(output)
    output.seek(0)
    return output


def _report_write(batch: ImportBatch) -> None:
    """The refused rows and the rows imported with a warning, in file order, as a CSV that opens safely in Excel.

    UTF-8 with BOM (Excel then shows Hindi), formulas neutralised; each row says whether it was
    refused or only warned about, with the code and the reason in English and in Hindi.
    """
    if batch.error_report:
        batch.error_report.delete(save=False)
    rows = (
        staging_rows_with_lengths()
        .filter(Q(batch_id=batch.pk) & ~Q(reason="") | _rows_with_short_old_numbers(batch.pk))
        .order_by("row_number")
        .values_list("row_number", "old_raw", "new_raw", "consumer_name", "division", "mobile_last4", "reason")
    )
    if not rows.exists():
        batch.error_report = ""
        return
    # Lazy strings: bilingual() renders each in English and in Hindi. An eager gettext here would hand
    # it a string already translated into whatever language the request happened to be in.
    header = [
        bilingual(gettext_lazy("row")),
        bilingual(gettext_lazy("old account number")),
        bilingual(gettext_lazy("new account number")),
        bilingual(gettext_lazy("consumer name")),
        bilingual(gettext_lazy("division")),
        bilingual(gettext_lazy("mobile (last 4 digits)")),
        "code",
        "reason",
        "कारण",
        bilingual(gettext_lazy("outcome")),
    ]
    params = {"length": settings.OLD_ACCOUNT_NUMBER_LENGTH}
    texts: dict[str, tuple[str, str]] = {
        **{code: in_english_and_hindi(lambda m=message: str(m)) for code, message in ROW_REASONS.items()},
        **{code: in_english_and_hindi(lambda m=message: str(m) % params) for code, message in ROW_WARNINGS.items()},
    }
    refused, warning = bilingual(gettext_lazy("refused")), bilingual(gettext_lazy("imported, check it"))
    with tempfile.NamedTemporaryFile("w", encoding="utf-8-sig", newline="", suffix=".csv", delete=False) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row_number, old_raw, new_raw, name, division, mobile, reason in rows.iterator(chunk_size=5000):
            code = reason or "short_old_number"  # the one warning a row that is imported can carry
            english, hindi = texts.get(code, (code, code))
            writer.writerow(
                [
                    row_number,
                    excel_safe(old_raw),
                    excel_safe(new_raw),
                    excel_safe(name),
                    excel_safe(division),
                    excel_safe(mobile),
                    code,
                    excel_safe(english),
                    excel_safe(hindi),
                    refused if reason else warning,
                ]
            )
        temporary = Path(handle.name)
    try:
        with temporary.open("rb") as report:
            batch.error_report.save(f"batch-{batch.pk}-refused-rows.csv", File(report), save=False)
    finally:
        temporary.unlink(missing_ok=True)


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
    with _runner_lock(batch_id) as acquired:
        if not acquired:
            logger.info("import batch %s: validation already running elsewhere", batch_id)
            return
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == Status.VALIDATING:
            # We hold the lock, so the process that started this validation is gone.
            _fail(batch_id, code="worker_lost", stage=ImportBatch.Stage.VALIDATE)
            return
        if batch.status != Status.QUEUED:
            return
        ImportBatch.objects.filter(pk=batch_id).update(status=Status.VALIDATING, failure_code="", failure_detail="")
        started = time.monotonic()
        try:
            _staging_delete(batch_id)
            mapping_file, rows_read = _staging_load(batch, progress)
            if rows_read == 0:
                raise FileRefused("no_rows")
            _staging_mark(batch_id)
            preview, short = _preview_counts(batch_id)
            counts = {**preview, **_refusal_counts(batch_id)}
            _report_write(batch)
            ImportBatch.objects.filter(pk=batch_id).update(
                status=Status.VALIDATED,
                columns=mapping_file.columns,
                encoding=mapping_file.encoding,
                delimiter=mapping_file.delimiter,
                sheet_name=mapping_file.sheet_name[:255],
                header_row=mapping_file.header_row,
                notes=_notes_with_short_old_numbers(mapping_file.notes, short),
                rows_read=rows_read,
                error_report=batch.error_report.name or "",
                validated_at=timezone.now(),
                validate_seconds=round(time.monotonic() - started, 3),
                **counts,
            )
            logger.info("import batch %s: validated %s rows", batch_id, rows_read)
        except FileRefused as refused:
            _staging_delete(batch_id)
            detail = _failure_detail(refused.details)
            _fail(batch_id, code=refused.code, detail=detail, stage=ImportBatch.Stage.VALIDATE)
        except csv.Error:
            # The reader turns these into an unclosed-quote refusal naming the row; this is the net
            # under it. The file fails the same way every time, so never "internal" ("run it again").
            _staging_delete(batch_id)
            _fail(batch_id, code="malformed_csv", stage=ImportBatch.Stage.VALIDATE)
        except Exception as error:
            # The error's class only: database messages can quote a row's values (account numbers).
            logger.error("import batch %s: validation stopped by %s", batch_id, type(error).__name__)
            _fail(batch_id, code="internal", stage=ImportBatch.Stage.VALIDATE)


# --- Apply ----------------------------------------------------------------------------------------

# History is written for changed mappings only: the values they had before, which rollback puts back.
# A mapping the batch created needs no history row: it carries the batch's stamp (created_at and
# updated_at both equal the batch's rows_stamp), which is how rollback finds it and knows it is
# untouched. That spares one durable row per new mapping, the bulk of a first import.
_HISTORY_INSERT = f"""
INSERT INTO imports_mappingchange (
    batch_id, old_account_number,
    previous_new_account_number, previous_consumer_name, previous_division, previous_mobile_last4,
    previous_updated_at, new_account_number, consumer_name, division, mobile_last4
)
SELECT
    staged.batch_id, staged.old_account_number,
    live.new_account_number, live.consumer_name, live.division, live.mobile_last4, live.updated_at,
    staged.new_account_number,
    CASE WHEN staged.consumer_name = '' THEN live.consumer_name ELSE staged.consumer_name END,
    CASE WHEN staged.division = '' THEN live.division ELSE staged.division END,
    CASE WHEN staged.mobile_last4 = '' THEN live.mobile_last4 ELSE staged.mobile_last4 END
FROM imports_importrow staged
JOIN accounts_accountmapping live ON live.old_account_number = staged.old_account_number
WHERE {_TO_APPLY} AND {_DIFFERS}
"""  # noqa: S608
_LIVE_UPDATE = """
UPDATE accounts_accountmapping AS live SET
    new_account_number = history.new_account_number,
    consumer_name = history.consumer_name,
    division = history.division,
    mobile_last4 = history.mobile_last4,
    updated_at = %s
FROM imports_mappingchange history
WHERE history.batch_id = %s AND live.old_account_number = history.old_account_number
"""
# Straight from staging: the rows whose old number the live table does not have. In old-number order,
# so that index fills from left to right.
_LIVE_INSERT = f"""
INSERT INTO accounts_accountmapping (
    old_account_number, new_account_number, consumer_name, division, mobile_last4, created_at, updated_at
)
SELECT staged.old_account_number, staged.new_account_number, staged.consumer_name, staged.division,
       staged.mobile_last4, %s, %s
FROM imports_importrow staged
LEFT JOIN accounts_accountmapping live ON live.old_account_number = staged.old_account_number
WHERE {_TO_APPLY} AND live.id IS NULL
ORDER BY staged.old_account_number
"""  # noqa: S608


def _apply_in_transaction(batch_id: int, progress: ProgressCallback | None) -> int:
    """The merge, all or nothing. Returns how many rows were refused only now (numbers taken meanwhile)."""
    started = time.time()
    applied_at = timezone.now()
    # One stamp for every row this batch writes and for the batch itself: rollback relies on it.
    stamp = connection.ops.adapt_datetimefield_value(applied_at)
    with transaction.atomic():
        ImportBatch.objects.select_for_update().get(pk=batch_id)
        with connection.cursor() as cursor:
            if _is_postgres():
                # Writers wait until we commit; readers (the lookup) carry on and see the old state.
                cursor.execute("LOCK TABLE accounts_accountmapping IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SET LOCAL work_mem = %s", [settings.IMPORTS_WORK_MEM])
            # The live table may have changed since validation: check the numbers again, under the lock.
            refused_now = _live_table_mark(cursor, batch_id)
            cursor.execute(f"SELECT COUNT(*) FROM imports_importrow staged WHERE {_TO_APPLY}", [batch_id])  # noqa: S608
            total = cursor.fetchone()[0]
            _progress_report(batch_id, phase="applying", done=0, total=total, started=started)
            cursor.execute(_HISTORY_INSERT, [batch_id])
            changed = max(cursor.rowcount, 0)
            cursor.execute(_LIVE_UPDATE, [stamp, batch_id])
            _progress_report(batch_id, phase="applying", done=changed, total=total, started=started)
            if progress:
                progress("applying", changed, total)
            cursor.execute(_LIVE_INSERT, [stamp, stamp, batch_id])
            created = max(cursor.rowcount, 0)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=Status.APPLIED,
            count_new=created,
            count_changed=changed,
            count_unchanged=total - changed - created,
            applied_at=applied_at,
            rows_stamp=applied_at,
            **(_refusal_counts(batch_id) if refused_now else {}),
        )
    _progress_report(batch_id, phase="applying", done=total, total=total, started=started)
    if progress:
        progress("applying", total, total)
    return refused_now


def import_batch_apply(
    *, batch_id: int, user: AbstractBaseUser | None = None, progress: ProgressCallback | None = None
) -> ImportBatch:
    """Apply a validated batch to the live table in one transaction. Safe to run twice: it applies once."""
    with _runner_lock(batch_id) as acquired:
        if not acquired:
            logger.info("import batch %s: apply already running elsewhere", batch_id)
            return ImportBatch.objects.get(pk=batch_id)
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == Status.APPLYING:
            # We hold the lock, so the process that started this apply is gone; its transaction was
            # rolled back by the database when its connection died.
            _fail(batch_id, code="worker_lost", stage=ImportBatch.Stage.APPLY)
            return ImportBatch.objects.get(pk=batch_id)
        if batch.status != Status.VALIDATED:
            return batch
        if not ImportRow.objects.filter(batch_id=batch_id).exists():
            # The staging rows are gone (the unlogged table is emptied by a database crash).
            _fail(batch_id, code="staging_lost", stage=ImportBatch.Stage.VALIDATE)
            return ImportBatch.objects.get(pk=batch_id)
        applier = user if user is not None and user.is_authenticated else batch.applied_by
        ImportBatch.objects.filter(pk=batch_id).update(status=Status.APPLYING, applied_by=applier)
        started = time.monotonic()
        try:
            refused_now = _apply_in_transaction(batch_id, progress)
        except Exception as error:
            # The error's class only: an IntegrityError's message quotes the conflicting number.
            logger.error("import batch %s: apply stopped by %s; nothing was changed", batch_id, type(error).__name__)
            _fail(batch_id, code="internal", stage=ImportBatch.Stage.APPLY)
            return ImportBatch.objects.get(pk=batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(apply_seconds=round(time.monotonic() - started, 3))
        batch = ImportBatch.objects.get(pk=batch_id)
        if refused_now:
            _report_write(batch)
            short = short_old_number_rows(batch_id).count()
            ImportBatch.objects.filter(pk=batch_id).update(
                error_report=batch.error_report.name or "", notes=_notes_with_short_old_numbers(batch.notes, short)
            )
        # The staging rows have done their job; the history in MappingChange is what rollback needs.
        _staging_delete(batch_id)
        logger.info("import batch %s: applied", batch_id)
    return ImportBatch.objects.get(pk=batch_id)


def import_batch_end_unapplied(*, batch_id: int, code: str) -> ImportBatch:
    """End a validated batch that the command checked but will not apply (a dry run, or not confirmed).

    Left *validated*, anyone could apply it from the admin later against a preview gone stale, and
    its checked rows (personal data) would wait 30 days for the purge. It ends *failed* with
    ``code`` (dry_run or not_confirmed): its staging rows go now, its file when the retention period
    after this end runs out; "Run again" checks the file afresh.
    """
    with _runner_lock(batch_id) as acquired:
        if not acquired:
            return ImportBatch.objects.get(pk=batch_id)
        with transaction.atomic():
            ended = ImportBatch.objects.filter(pk=batch_id, status=Status.VALIDATED).update(
                status=Status.FAILED,
                failure_code=code,
                failed_stage=ImportBatch.Stage.VALIDATE,
                failed_at=timezone.now(),
            )
            if ended:
                _staging_delete(batch_id)
    if ended:
        logger.info("import batch %s: ended unapplied (%s)", batch_id, code)
    return ImportBatch.objects.get(pk=batch_id)


def import_batch_apply_request(*, batch_id: int, user: AbstractBaseUser) -> ImportBatch:
    """Queue the apply of a validated batch (a staff member's click)."""
    from imports.tasks import import_batch_apply_task

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.VALIDATED:
            raise ImportActionRefused(_("Only a validated batch can be applied."))
        batch.apply_requested_at = timezone.now()
        batch.applied_by = user
        batch.save(update_fields=["apply_requested_at", "applied_by"])
        transaction.on_commit(lambda: import_batch_apply_task.delay(batch_id))
    return batch


def import_batch_retry(*, batch_id: int, user: AbstractBaseUser) -> ImportBatch:
    """Run a failed batch again: its apply if the staging rows survived, else from the file."""
    from imports.tasks import import_batch_apply_task, import_batch_validate_task

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
        if batch.failed_stage == ImportBatch.Stage.APPLY and staged:
            batch.status = Status.VALIDATED
            batch.applied_by = user
            task = import_batch_apply_task
        else:
            batch.status = Status.QUEUED
            batch.queued_at = timezone.now()
            task = import_batch_validate_task
        batch.failure_code = batch.failure_detail = batch.failed_stage = ""
        batch.failed_at = None
        batch.save(
            update_fields=[
                "status",
                "applied_by",
                "failure_code",
                "failure_detail",
                "failed_stage",
                "failed_at",
                "queued_at",
            ]
        )
        transaction.on_commit(lambda: task.delay(batch_id))
    return batch


def import_batch_requeue(*, batch_id: int, user: AbstractBaseUser | None) -> ImportBatch:
    """Queue the validation of a batch stuck in *queued* again (its message may have been lost).

    Allowed only REQUEUE_AFTER after it was last queued. If the first message turns up after all,
    whichever delivery comes second finds the lock taken or the batch no longer queued, and does
    nothing: one result either way.
    """
    from imports.tasks import import_batch_validate_task

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
        transaction.on_commit(lambda: import_batch_validate_task.delay(batch_id))
    logger.info("import batch %s: queued again by staff", batch_id)
    return batch


def import_batches_fail_abandoned() -> int:
    """Mark failed every batch left validating or applying by a process that no longer exists.

    A running batch holds its lock; a batch whose lock is free has lost its worker (kill -9, a
    machine restart). Returns how many batches were marked.
    """
    marked = 0
    running = ImportBatch.objects.filter(status__in=[Status.VALIDATING, Status.APPLYING]).values_list("pk", "status")
    for batch_id, status in list(running):
        with _runner_lock(batch_id) as acquired:
            if not acquired:
                continue
            stage = ImportBatch.Stage.APPLY if status == Status.APPLYING else ImportBatch.Stage.VALIDATE
            marked += ImportBatch.objects.filter(pk=batch_id, status=status).update(
                status=Status.FAILED, failure_code="worker_lost", failed_stage=stage, failed_at=timezone.now()
            )
            logger.warning("import batch %s: its worker is gone; marked failed", batch_id)
    return marked


# --- Rollback -------------------------------------------------------------------------------------

# A mapping the batch changed has drifted when it is gone, holds other values, or was written since
# (its updated_at is no longer the batch's stamp). A mapping it created carries the stamp in both
# created_at and updated_at; fewer such rows than the batch created means some were deleted or edited.
_DRIFTED_CHANGES = """
SELECT COUNT(*) FROM imports_mappingchange history
LEFT JOIN accounts_accountmapping live ON live.old_account_number = history.old_account_number
WHERE history.batch_id = %s AND (
    live.id IS NULL
    OR live.updated_at <> %s
    OR live.new_account_number <> history.new_account_number
    OR live.consumer_name <> history.consumer_name
    OR live.division <> history.division
    OR live.mobile_last4 <> history.mobile_last4
)
"""
_CREATED_UNTOUCHED = "SELECT COUNT(*) FROM accounts_accountmapping WHERE created_at = %s AND updated_at = %s"
_NUMBER_REUSED = """
SELECT COUNT(*) FROM imports_mappingchange history
JOIN accounts_accountmapping live ON live.new_account_number = history.previous_new_account_number
WHERE history.batch_id = %s AND live.old_account_number <> history.old_account_number
"""
_ROLLBACK_DELETE = "DELETE FROM accounts_accountmapping WHERE created_at = %s AND updated_at = %s"
_ROLLBACK_RESTORE = """
UPDATE accounts_accountmapping AS live SET
    new_account_number = history.previous_new_account_number,
    consumer_name = history.previous_consumer_name,
    division = history.previous_division,
    mobile_last4 = history.previous_mobile_last4,
    updated_at = history.previous_updated_at
FROM imports_mappingchange history
WHERE history.batch_id = %s AND live.old_account_number = history.old_account_number
"""


def import_batch_rollback(*, batch_id: int, user: AbstractBaseUser | None) -> ImportBatch:
    """Put back exactly what an applied batch replaced, in one transaction.

    Refused, with nothing changed, when a mapping this batch wrote has been changed since (by a
    later batch or by hand), or when a number it released has been given to another account:
    undoing would then overwrite someone else's work.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.APPLIED:
            raise ImportActionRefused(_("Only an applied batch can be rolled back."))
        if batch.rows_stamp is None:
            # Applied before migration 0004, which added the stamp that finds the rows a batch created:
            # without it every created mapping would count as changed since, a wrong reason to give.
            raise ImportActionRefused(
                _(
                    "This batch was applied by an earlier version of the importer, which kept no record for "
                    "a rollback. Correct the mappings by importing a corrected file."
                )
            )
        with connection.cursor() as cursor:
            if _is_postgres():
                cursor.execute("LOCK TABLE accounts_accountmapping IN SHARE ROW EXCLUSIVE MODE")
            stamp = connection.ops.adapt_datetimefield_value(batch.rows_stamp)
            cursor.execute(_DRIFTED_CHANGES, [batch_id, stamp])
            drifted = cursor.fetchone()[0]
            cursor.execute(_CREATED_UNTOUCHED, [stamp, stamp])
            drifted += max(batch.count_new - cursor.fetchone()[0], 0)
            if drifted:
                raise ImportActionRefused(
                    _(
                        "Not rolled back: %(count)s mappings written by this batch have changed since "
                        "(by a later batch or by hand). Roll back the later batches first."
                    )
                    % {"count": drifted}
                )
            cursor.execute(_NUMBER_REUSED, [batch_id])
            reused = cursor.fetchone()[0]
            if reused:
                raise ImportActionRefused(
                    _(
                        "Not rolled back: %(count)s new account numbers this batch replaced now belong to "
                        "other accounts."
                    )
                    % {"count": reused}
                )
            cursor.execute(_ROLLBACK_DELETE, [stamp, stamp])
            cursor.execute(_ROLLBACK_RESTORE, [batch_id])
        batch.status = Status.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.rolled_back_by = user if user is not None and user.is_authenticated else None
        batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    logger.info("import batch %s: rolled back", batch_id)
    return batch


# --- Data minimisation ----------------------------------------------------------------------------


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

    Both hold personal data (full names, mobiles; the report quotes the raw rows). Kept: the batch
    row, its counts, its SHA-256 (so a re-upload is still recognised) and its MappingChange history
    (rollback reads only that, never the file). The staging rows a failed batch may still hold are
    the same personal data, so they go too; such a batch can no longer be run again (upload anew).

    A batch validated more than retention_days ago and never applied is expired the same way: its
    preview compares the file with a live table that has moved on since, so applying it now would
    be a mistake, and its checked rows are personal data kept for nothing. It ends failed
    ("expired"). Batches still queued or running, and validated batches whose apply was asked for
    within the period, are never touched.
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
        with _runner_lock(batch_id) as acquired, transaction.atomic():
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
            _staging_delete(batch_id)
            # Files first, inside the transaction: if storage refuses, the row still points at them
            # and the next run tries again; the opposite order could leave an orphan nobody deletes.
            files += import_batch_files_delete(batch=batch)
            expired = (
                {
                    "status": Status.FAILED,
                    "failure_code": "expired",
                    "failed_stage": ImportBatch.Stage.VALIDATE,
                    "failed_at": now,
                }
                if expiring
                else {}
            )
            ImportBatch.objects.filter(pk=batch_id).update(file="", error_report="", files_deleted_at=now, **expired)
            batches += 1
        logger.info(
            "import batch %s: files deleted after the retention period%s", batch_id, " (expired)" if expiring else ""
        )
    if not dry_run:
        # SQLite's runner locks are files (PostgreSQL's leave nothing behind): one per batch ever run.
        _lock_files_sweep()
    return FilesPurgeResult(batches=batches, files=files, staging_rows=staging_rows)
