"""The bulk load: a file's rows, each checked in Python, into the staging table in chunks.

On PostgreSQL by COPY from a second thread while this one parses the next chunk; on SQLite by
batched INSERTs. Memory stays at about two chunks however long the file.
"""

from __future__ import annotations

import csv
import gc
import io
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.db import connection, transaction

from imports.models import ImportBatch
from imports.reader import MappingFile, mapping_file_open
from imports.reader.memory import memory_check
from imports.rows import CheckedRow, Lengths, row_check
from imports.services.progress import ProgressCallback, progress_report
from imports.services.sql import is_postgres, statements

CHUNK_ROWS = 50_000
PROGRESS_EVERY_ROWS = 10_000


def staging_delete(batch_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statements().staging_delete, [batch_id])


def _staging_values(batch_id: int, rows: list[CheckedRow]) -> list[tuple]:
    # In the order of sql.STAGING_FIELDS. A tuple per row, built inline: this is the hot loop.
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


class StagingWriter:
    """Writes checked rows to staging in chunks, at most one chunk in flight.

    The main thread does not touch the database until close() has waited for the last COPY.
    """

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.postgres = is_postgres()
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
            # One transaction per chunk: in autocommit SQLite syncs to disk after every row.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(statements().staging_insert, _staging_values(self.batch_id, rows))
            return
        # The csv module (C) quotes what needs quoting.
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_staging_values(self.batch_id, rows))
        buffer.seek(0)
        self._wait()
        assert self._pool is not None
        self._in_flight = self._pool.submit(self._copy, buffer)

    def _copy(self, buffer: io.StringIO) -> None:
        # The raw psycopg2 connection: thread-safe, and Django's wrapper is not used meanwhile.
        with self._raw_connection.cursor() as cursor:
            cursor.copy_expert(statements().staging_copy, buffer, size=1024 * 1024)

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


def staging_load(batch: ImportBatch, progress: ProgressCallback | None) -> tuple[MappingFile, int]:
    """Read the batch's file into staging, every row checked; returns the file read and its row count."""
    mapping_file = mapping_file_open(Path(batch.file.path), original_name=batch.original_name)
    started = time.time()
    rows_read = 0
    chunk: list[CheckedRow] = []
    lengths = Lengths.from_settings()
    writer = StagingWriter(batch.pk)
    # Millions of short-lived objects and no reference cycles: the cyclic collector would only
    # rescan them, so it is paused (reference counting still frees each chunk once written).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for raw in mapping_file.rows:
            chunk.append(row_check(raw, lengths))
            rows_read += 1
            if len(chunk) >= CHUNK_ROWS:
                writer.write(chunk)
                chunk = []
            if rows_read % PROGRESS_EVERY_ROWS == 0:
                memory_check()  # the per-task ceiling: docs/imports.md, "Upload bombs"
                fraction = mapping_file.fraction_read()
                estimate = max(rows_read, int(rows_read / fraction)) if fraction > 0 else None
                progress_report(
                    batch.pk, phase="validating", done=rows_read, total=estimate, started=started, callback=progress
                )
        writer.write(chunk)
    finally:
        if gc_was_enabled:
            gc.enable()
        writer.close()
        mapping_file.close()
    progress_report(batch.pk, phase="validating", done=rows_read, total=rows_read, started=started, callback=progress)
    return mapping_file, rows_read
