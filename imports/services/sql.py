"""Every SQL statement of the import pipeline, with table and column names taken from the models.

Plain SQL that PostgreSQL and SQLite both run (UPDATE ... FROM: SQLite 3.33+, see imports/checks.py);
only the bulk load differs (COPY or INSERT). Aliases: ``staged`` is a row of the batch in staging,
``live`` a mapping in the lookup table, ``history`` what an apply recorded (MappingChange).
A test renames every column through ``_meta`` and checks that these statements follow.
"""

# ruff: noqa: S608  (only names from _meta and fixed codes are formatted in; values go as parameters)

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection, models

from accounts.models import AccountMapping
from imports.columns import column_names
from imports.models import ImportRow, MappingChange

# The columns of a staging row, in the order staging.py writes its values.
STAGING_FIELDS = (
    "batch",
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
_KEPT_WHEN_EMPTY = ("consumer_name", "division", "mobile_last4")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Statements:
    staging_copy: str
    staging_insert: str
    staging_delete: str
    staging_analyze: str
    mark_duplicates: str
    mark_conflicting_old: str
    mark_conflicting_new: str
    mark_new_is_old_in_file: str
    mark_old_is_new_in_file: str
    mark_taken: str
    mark_old_is_new_live: str
    mark_old_is_odd_new_live: str
    mark_new_is_old_live: str
    refused_by_reason: str
    duplicates_count: str
    preview: str
    live_lock: str
    to_apply_count: str
    history_insert: str
    live_update: str
    live_insert: str
    drifted_changes: str
    created_untouched: str
    number_reused: str
    rollback_delete: str
    rollback_restore: str


@cache
def statements() -> Statements:
    """The statements, built once on first use (the models are loaded by then)."""
    return statements_from_meta()


def statements_from_meta() -> Statements:
    row, live, change = column_names(ImportRow), column_names(AccountMapping), column_names(MappingChange)
    staging_columns = ", ".join(getattr(row, name) for name in STAGING_FIELDS)
    # COPY's FORCE_NOT_NULL keeps empty text cells as '' rather than NULL.
    text_columns = ", ".join(
        getattr(row, name) for name in STAGING_FIELDS if isinstance(ImportRow._meta.get_field(name), models.CharField)
    )
    placeholders = ", ".join(["%s"] * len(STAGING_FIELDS))

    # "%s" is the batch id wherever a statement takes one.
    standing = f"{row.batch} = %s AND {row.reason} = ''"
    to_apply = f"staged.{row.batch} = %s AND staged.{row.reason} = '' AND NOT staged.{row.is_duplicate}"

    def written(field: str) -> str:
        # An empty name, division or mobile cell never erases what the live table holds.
        if field not in _KEPT_WHEN_EMPTY:
            return f"staged.{getattr(row, field)}"
        staged_column, live_column = getattr(row, field), getattr(live, field)
        return f"CASE WHEN staged.{staged_column} = '' THEN live.{live_column} ELSE staged.{staged_column} END"

    compared = ("new_account_number", *_KEPT_WHEN_EMPTY)
    differs = "(" + " OR ".join(f"{written(field)} <> live.{getattr(live, field)}" for field in compared) + ")"

    def mark_conflicts(reason: str, column: str) -> str:
        # A join rather than IN/EXISTS: both databases make it one hash join.
        return f"""
UPDATE {row.table} SET {row.reason} = '{reason}'
FROM (
    SELECT {column} AS number FROM {row.table}
    WHERE {standing} AND NOT {row.is_duplicate}
    GROUP BY {column} HAVING COUNT(*) > 1
) AS conflicted
WHERE {row.table}.{row.batch} = %s AND {row.table}.{row.reason} = ''
  AND {row.table}.{column} = conflicted.number
"""

    def mark_from(reason: str, source: str, condition: str) -> str:
        return f"""
UPDATE {row.table} SET {row.reason} = '{reason}'
FROM {source}
WHERE {row.table}.{row.batch} = %s AND {row.table}.{row.reason} = ''
  AND {condition}
"""

    staged_old, staged_new = f"{row.table}.{row.old_account_number}", f"{row.table}.{row.new_account_number}"
    return Statements(
        staging_copy=(
            f"COPY {row.table} ({staging_columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({text_columns}))"
        ),
        staging_insert=f"INSERT INTO {row.table} ({staging_columns}) VALUES ({placeholders})",
        staging_delete=f"DELETE FROM {row.table} WHERE {row.batch} = %s",
        # Fresh statistics after the bulk load, or the planner guesses and may pick nested loops.
        staging_analyze=f"ANALYZE {row.table}",
        # Only an old number seen more than once can have a duplicate: those rows alone are ranked.
        mark_duplicates=f"""
UPDATE {row.table} SET {row.is_duplicate} = TRUE
FROM (
    SELECT {row.id} AS repeat_id FROM (
        SELECT {row.id}, ROW_NUMBER() OVER (
            PARTITION BY {row.old_account_number}, {row.new_account_number}, {row.consumer_name}, {row.division},
                {row.mobile_last4}
            ORDER BY {row.row_number}
        ) AS position
        FROM {row.table}
        JOIN (
            SELECT {row.old_account_number} AS repeated FROM {row.table}
            WHERE {standing} GROUP BY {row.old_account_number} HAVING COUNT(*) > 1
        ) AS repeated_numbers ON {row.old_account_number} = repeated_numbers.repeated
        WHERE {standing}
    ) AS ranked WHERE position > 1
) AS repeats
WHERE {row.table}.{row.id} = repeats.repeat_id
""",
        mark_conflicting_old=mark_conflicts("conflicting_old", row.old_account_number),
        mark_conflicting_new=mark_conflicts("conflicting_new", row.new_account_number),
        # A number is never an old and a new number at once (the lookup matches either column).
        # In the file: a new number that another standing row has as its old number (only old
        # numbers as long as a new number, the second %s, can be one: a small hash), then the rows
        # whose old number is one of those new numbers. Both sides are refused, as with conflicts.
        mark_new_is_old_in_file=mark_from(
            "new_is_an_old_number",
            f"""(
    SELECT DISTINCT {row.old_account_number} AS number FROM {row.table}
    WHERE {standing} AND LENGTH({row.old_account_number}) = %s
) AS olds""",
            f"{staged_new} = olds.number",
        ),
        mark_old_is_new_in_file=mark_from(
            "old_is_a_new_number",
            f"""(
    SELECT DISTINCT {row.new_account_number} AS number FROM {row.table}
    WHERE {row.batch} = %s AND {row.reason} = 'new_is_an_old_number'
) AS news""",
            f"{staged_old} = news.number",
        ),
        # Against the live table, at validation and again under the apply's lock. The last three
        # compare only numbers of equal length, split so that each side is small: a staged new
        # number has the new length (%s), so only live old numbers of that length can match it,
        # usually none, and PostgreSQL then skips the scan of staging. Live new numbers of another
        # length (the admin allows them) are compared with every staged old number, those of the
        # new length only with staged old numbers of that length. Each split is exact; together
        # they cost a few milliseconds instead of 0.2 s apiece.
        mark_taken=mark_from(
            "new_number_taken",
            f"{live.table} AS live",
            f"live.{live.new_account_number} = {staged_new}\n  AND live.{live.old_account_number} <> {staged_old}",
        ),
        mark_old_is_new_live=mark_from(
            "old_is_a_new_number",
            f"{live.table} AS live",
            f"LENGTH({staged_old}) = %s\n  AND live.{live.new_account_number} = {staged_old}"
            f"\n  AND live.{live.old_account_number} <> {staged_old}",
        ),
        mark_old_is_odd_new_live=mark_from(
            "old_is_a_new_number",
            f"""(
    SELECT {live.old_account_number}, {live.new_account_number} FROM {live.table}
    WHERE LENGTH({live.new_account_number}) <> %s
) AS live""",
            f"live.{live.new_account_number} = {staged_old}\n  AND live.{live.old_account_number} <> {staged_old}",
        ),
        mark_new_is_old_live=mark_from(
            "new_is_an_old_number",
            f"""(
    SELECT {live.old_account_number} AS number FROM {live.table} WHERE LENGTH({live.old_account_number}) = %s
) AS live""",
            f"live.number = {staged_new}\n  AND live.number <> {staged_old}",
        ),
        refused_by_reason=(
            f"SELECT {row.reason}, COUNT(*) FROM {row.table} WHERE {row.batch} = %s AND {row.reason} <> ''"
            f" GROUP BY {row.reason}"
        ),
        duplicates_count=f"SELECT COUNT(*) FROM {row.table} WHERE {standing} AND {row.is_duplicate}",
        # New, changed, to apply; and old numbers shorter than the usual length (%s), imported but
        # flagged to staff.
        preview=f"""
SELECT
    COUNT(*),
    COALESCE(SUM(CASE WHEN live.{live.id} IS NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN live.{live.id} IS NOT NULL AND {differs} THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN LENGTH(staged.{row.old_account_number}) < %s THEN 1 ELSE 0 END), 0)
FROM {row.table} staged
LEFT JOIN {live.table} live ON live.{live.old_account_number} = staged.{row.old_account_number}
WHERE {to_apply}
""",
        # Writers wait until the apply commits; readers (the lookup) carry on and see the old state.
        live_lock=f"LOCK TABLE {live.table} IN SHARE ROW EXCLUSIVE MODE",
        to_apply_count=f"SELECT COUNT(*) FROM {row.table} staged WHERE {to_apply}",
        # History for changed mappings only: the values they had, which rollback puts back. A
        # created mapping carries the batch's stamp instead (docs/imports.md, "How it runs").
        history_insert=f"""
INSERT INTO {change.table} (
    {change.batch}, {change.old_account_number},
    {change.previous_new_account_number}, {change.previous_consumer_name}, {change.previous_division},
    {change.previous_mobile_last4}, {change.previous_updated_at},
    {change.new_account_number}, {change.consumer_name}, {change.division}, {change.mobile_last4}
)
SELECT
    staged.{row.batch}, staged.{row.old_account_number},
    live.{live.new_account_number}, live.{live.consumer_name}, live.{live.division}, live.{live.mobile_last4},
    live.{live.updated_at},
    {written("new_account_number")}, {written("consumer_name")}, {written("division")}, {written("mobile_last4")}
FROM {row.table} staged
JOIN {live.table} live ON live.{live.old_account_number} = staged.{row.old_account_number}
WHERE {to_apply} AND {differs}
""",
        live_update=f"""
UPDATE {live.table} AS live SET
    {live.new_account_number} = history.{change.new_account_number},
    {live.consumer_name} = history.{change.consumer_name},
    {live.division} = history.{change.division},
    {live.mobile_last4} = history.{change.mobile_last4},
    {live.updated_at} = %s
FROM {change.table} history
WHERE history.{change.batch} = %s AND live.{live.old_account_number} = history.{change.old_account_number}
""",
        # Straight from staging, in old-number order so that index fills from left to right.
        live_insert=f"""
INSERT INTO {live.table} (
    {live.old_account_number}, {live.new_account_number}, {live.consumer_name}, {live.division},
    {live.mobile_last4}, {live.created_at}, {live.updated_at}
)
SELECT staged.{row.old_account_number}, staged.{row.new_account_number}, staged.{row.consumer_name},
       staged.{row.division}, staged.{row.mobile_last4}, %s, %s
FROM {row.table} staged
LEFT JOIN {live.table} live ON live.{live.old_account_number} = staged.{row.old_account_number}
WHERE {to_apply} AND live.{live.id} IS NULL
ORDER BY staged.{row.old_account_number}
""",
        # A mapping the batch changed has drifted when it is gone, holds other values, or was
        # written since (its updated_at is no longer the stamp, the second %s).
        drifted_changes=f"""
SELECT COUNT(*) FROM {change.table} history
LEFT JOIN {live.table} live ON live.{live.old_account_number} = history.{change.old_account_number}
WHERE history.{change.batch} = %s AND (
    live.{live.id} IS NULL
    OR live.{live.updated_at} <> %s
    OR live.{live.new_account_number} <> history.{change.new_account_number}
    OR live.{live.consumer_name} <> history.{change.consumer_name}
    OR live.{live.division} <> history.{change.division}
    OR live.{live.mobile_last4} <> history.{change.mobile_last4}
)
""",
        # The mappings a batch created carry its stamp in both columns; fewer than it created
        # means some were deleted or edited since.
        created_untouched=f"SELECT COUNT(*) FROM {live.table} WHERE {live.created_at} = %s AND {live.updated_at} = %s",
        number_reused=f"""
SELECT COUNT(*) FROM {change.table} history
JOIN {live.table} live ON live.{live.new_account_number} = history.{change.previous_new_account_number}
WHERE history.{change.batch} = %s AND live.{live.old_account_number} <> history.{change.old_account_number}
""",
        rollback_delete=f"DELETE FROM {live.table} WHERE {live.created_at} = %s AND {live.updated_at} = %s",
        rollback_restore=f"""
UPDATE {live.table} AS live SET
    {live.new_account_number} = history.{change.previous_new_account_number},
    {live.consumer_name} = history.{change.previous_consumer_name},
    {live.division} = history.{change.previous_division},
    {live.mobile_last4} = history.{change.previous_mobile_last4},
    {live.updated_at} = history.{change.previous_updated_at}
FROM {change.table} history
WHERE history.{change.batch} = %s AND live.{live.old_account_number} = history.{change.old_account_number}
""",
    )
