"""The whole-file checks on a staged batch, set-based: duplicates, conflicts, numbers taken; the preview's counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from imports.services.sql import is_postgres, statements


@contextmanager
def bulk_work_memory(cursor) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Let PostgreSQL hash a whole batch in memory instead of spilling to disk (default is 4 MB)."""
    if not is_postgres():
        yield
        return
    cursor.execute("SET work_mem = %s", [settings.IMPORTS_WORK_MEM])
    try:
        yield
    finally:
        cursor.execute("RESET work_mem")


def staging_mark(batch_id: int) -> None:
    """Mark the staged rows of a batch that will not be imported as they are: refused, or duplicates."""
    sql = statements()
    with connection.cursor() as cursor, bulk_work_memory(cursor):
        if is_postgres():
            cursor.execute(sql.staging_analyze)
        cursor.execute(sql.mark_duplicates, [batch_id, batch_id])
        # An old number given two different sets of details: all its rows are refused; then a new
        # number claimed by two old numbers, among the rows still standing.
        cursor.execute(sql.mark_conflicting_old, [batch_id, batch_id])
        cursor.execute(sql.mark_conflicting_new, [batch_id, batch_id])
        cursor.execute(sql.mark_new_is_old_in_file, [batch_id, settings.NEW_ACCOUNT_NUMBER_LENGTH, batch_id])
        if cursor.rowcount:
            # Only then can a standing row's old number be another row's new number.
            cursor.execute(sql.mark_old_is_new_in_file, [batch_id, batch_id])
        live_table_mark(cursor, batch_id)


def live_table_mark(cursor, batch_id: int) -> int:  # type: ignore[no-untyped-def]
    """The checks against the live table, run at validation and again at apply: rows refused."""
    sql = statements()
    refused = 0
    length = settings.NEW_ACCOUNT_NUMBER_LENGTH
    for statement, params in (
        (sql.mark_taken, [batch_id]),
        (sql.mark_old_is_new_live, [batch_id, length]),
        (sql.mark_old_is_odd_new_live, [length, batch_id]),
        (sql.mark_new_is_old_live, [length, batch_id]),
    ):
        cursor.execute(statement, params)
        refused += max(cursor.rowcount, 0)
    return refused


def refusal_counts(batch_id: int) -> dict:
    """The batch's duplicate and refused rows, as the batch's count fields."""
    sql = statements()
    with connection.cursor() as cursor:
        cursor.execute(sql.refused_by_reason, [batch_id])
        refused = {reason: count for reason, count in cursor.fetchall()}
        cursor.execute(sql.duplicates_count, [batch_id])
        duplicates = cursor.fetchone()[0]
    return {
        "count_duplicates": int(duplicates),
        "count_refused": sum(refused.values()),
        "refused_by_reason": refused,
    }


def preview_counts(batch_id: int) -> tuple[dict, int]:
    """How the rows to apply compare with the live table now (new, changed, unchanged), and how many
    of them have an old number shorter than the usual length."""
    with connection.cursor() as cursor, bulk_work_memory(cursor):
        cursor.execute(statements().preview, [settings.OLD_ACCOUNT_NUMBER_LENGTH, batch_id])
        to_apply, new, changed, short = (int(value) for value in cursor.fetchone())
    return {"count_new": new, "count_changed": changed, "count_unchanged": to_apply - new - changed}, short
