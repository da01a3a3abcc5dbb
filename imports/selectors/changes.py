"""What an apply or a rollback will change, read before staff confirm it: the counts and the changed mappings.

Reads only. Each list pairs a mapping's live values now with the values it will have afterwards: the
file's for an apply (staging joined with the live table, with the apply's own rule that an empty
cell keeps the live value), the earlier values for a rollback (the batch's history). Table and
column names come from the models, as in services/sql.py; a test renames them to prove it.
"""

# ruff: noqa: S608  (only names from _meta are formatted in; values go as parameters)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AccountMapping
from imports.columns import column_names
from imports.models import ImportBatch, ImportRow, MappingChange

# new number, consumer name, division, mobile's last 4: what an apply writes and a rollback restores.
COMPARED_FIELDS = ("new_account_number", "consumer_name", "division", "mobile_last4")
_KEPT_WHEN_EMPTY = ("consumer_name", "division", "mobile_last4")
# Rows fetched at a time for a download: a server-side cursor on PostgreSQL keeps memory flat.
_FETCH_ROWS = 2000


@dataclass(frozen=True)
class ChangedMapping:
    """One mapping as it is now (``current``; None if it no longer exists) and as it will be (``after``).

    Each is (new account number, consumer name, division, mobile's last 4), as COMPARED_FIELDS.
    """

    old_account_number: str
    current: tuple[str, str, str, str] | None
    after: tuple[str, str, str, str]

    @property
    def columns(self) -> list[tuple[str, str, bool]]:
        """(current, after, whether it changes) for each compared field, for the page's table."""
        current = self.current or ("", "", "", "")
        return [(now, then, now != then) for now, then in zip(current, self.after, strict=True)]


@dataclass(frozen=True)
class ApplyCounts:
    new: int
    changed: int


@dataclass(frozen=True)
class ChangeStatements:
    apply_counts: str
    apply_changes: str
    rollback_changes: str


@cache
def change_statements() -> ChangeStatements:
    return change_statements_from_meta()


def change_statements_from_meta() -> ChangeStatements:
    row, live, change = column_names(ImportRow), column_names(AccountMapping), column_names(MappingChange)

    def written(field: str) -> str:
        # As the apply writes it (services/sql.py): an empty name, division or mobile keeps the live value.
        staged, current = f"staged.{getattr(row, field)}", f"live.{getattr(live, field)}"
        return f"CASE WHEN {staged} = '' THEN {current} ELSE {staged} END" if field in _KEPT_WHEN_EMPTY else staged

    differs = "(" + " OR ".join(f"{written(field)} <> live.{getattr(live, field)}" for field in COMPARED_FIELDS) + ")"
    to_apply = f"staged.{row.batch} = %s AND staged.{row.reason} = '' AND NOT staged.{row.is_duplicate}"
    pairs = ", ".join(f"live.{getattr(live, field)}, {written(field)}" for field in COMPARED_FIELDS)
    restored = ", ".join(
        f"live.{getattr(live, field)}, history.{getattr(change, 'previous_' + field)}" for field in COMPARED_FIELDS
    )
    return ChangeStatements(
        apply_counts=f"""
SELECT
    COALESCE(SUM(CASE WHEN live.{live.id} IS NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN live.{live.id} IS NOT NULL AND {differs} THEN 1 ELSE 0 END), 0)
FROM {row.table} staged
LEFT JOIN {live.table} live ON live.{live.old_account_number} = staged.{row.old_account_number}
WHERE {to_apply}
""",
        apply_changes=f"""
SELECT staged.{row.old_account_number}, {pairs}
FROM {row.table} staged
JOIN {live.table} live ON live.{live.old_account_number} = staged.{row.old_account_number}
WHERE {to_apply} AND {differs}
ORDER BY staged.{row.old_account_number}
""",
        rollback_changes=f"""
SELECT history.{change.old_account_number}, {restored}
FROM {change.table} history
LEFT JOIN {live.table} live ON live.{live.old_account_number} = history.{change.old_account_number}
WHERE history.{change.batch} = %s
ORDER BY history.{change.old_account_number}
""",
    )


def _changed(row: tuple) -> ChangedMapping:
    old, *values = row
    current = tuple(values[0::2])
    after = tuple("" if value is None else value for value in values[1::2])
    return ChangedMapping(
        old_account_number=old,
        current=None if all(value is None for value in current) else current,  # type: ignore[arg-type]
        after=after,  # type: ignore[arg-type]
    )


class ChangedMappings:
    """A batch's changed mappings, in old-number order: sliced by a page (Paginator), or all, streamed."""

    def __init__(self, statement: str, batch_id: int, count: int) -> None:
        self._statement, self._batch_id, self._count = statement, batch_id, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, window: slice) -> list[ChangedMapping]:
        start, stop = window.start or 0, window.stop if window.stop is not None else self._count
        with connection.cursor() as cursor:
            cursor.execute(f"{self._statement} LIMIT %s OFFSET %s", [self._batch_id, max(stop - start, 0), start])
            return [_changed(row) for row in cursor.fetchall()]

    def __iter__(self) -> Iterator[ChangedMapping]:
        # On PostgreSQL a named (server-side) cursor: 2,000 rows in memory at a time, however many changed.
        with connection.chunked_cursor() as cursor:
            cursor.execute(self._statement, [self._batch_id])
            while rows := cursor.fetchmany(_FETCH_ROWS):
                yield from (_changed(row) for row in rows)


def batch_apply_counts(*, batch: ImportBatch) -> ApplyCounts:
    """How many mappings the apply would create and change if it ran now (the live table may have moved)."""
    with connection.cursor() as cursor:
        cursor.execute(change_statements().apply_counts, [batch.pk])
        new, changed = cursor.fetchone()
    return ApplyCounts(new=int(new), changed=int(changed))


def batch_changes_to_apply(*, batch: ImportBatch, count: int) -> ChangedMappings:
    """The mappings the apply would change: their live values and the file's (``count`` from batch_apply_counts)."""
    return ChangedMappings(change_statements().apply_changes, batch.pk, count)


def batch_changes_to_roll_back(*, batch: ImportBatch) -> ChangedMappings:
    """The mappings the batch changed: their live values and the earlier ones a rollback restores."""
    count = MappingChange.objects.filter(batch_id=batch.pk).count()
    return ChangedMappings(change_statements().rollback_changes, batch.pk, count)


def batch_confirmation(*, batch: ImportBatch) -> tuple[str, ChangedMappings]:
    """What confirming a validated batch's apply, or an applied batch's rollback, would do: the sentence,
    and the mappings it would change."""
    if batch.status == ImportBatch.Status.VALIDATED:
        counts = batch_apply_counts(batch=batch)
        return apply_summary(counts), batch_changes_to_apply(batch=batch, count=counts.changed)
    changes = batch_changes_to_roll_back(batch=batch)
    return rollback_summary(removed=batch.count_new, restored=changes.count()), changes


def grouped(number: int) -> str:
    """A count as the page's language writes it, in Indian digit groups: 7,50,000 (see kesco_lookup/formats)."""
    return number_format(number, force_grouping=True)


def apply_summary(counts: ApplyCounts) -> str:
    """What the apply will do, in one sentence: "1,991 new and 1 changed mapping will go live."."""
    new, changed = grouped(counts.new), grouped(counts.changed)
    if counts.new and counts.changed:
        return ngettext(
            "%(new)s new and %(changed)s changed mapping will go live.",
            "%(new)s new and %(changed)s changed mappings will go live.",
            counts.changed,
        ) % {"new": new, "changed": changed}
    if counts.new:
        return ngettext("%(count)s new mapping will go live.", "%(count)s new mappings will go live.", counts.new) % {
            "count": new
        }
    if counts.changed:
        return ngettext(
            "%(count)s changed mapping will go live.", "%(count)s changed mappings will go live.", counts.changed
        ) % {"count": changed}
    return _("Nothing will change: every mapping in this file is already in place.")


def rollback_summary(*, removed: int, restored: int) -> str:
    """What the rollback will do: the mappings the batch added go, the ones it changed get their earlier values."""
    removing = ngettext(
        "%(count)s mapping this batch added will be removed",
        "%(count)s mappings this batch added will be removed",
        removed,
    ) % {"count": grouped(removed)}
    restoring = ngettext(
        "%(count)s changed mapping will be restored to its earlier values",
        "%(count)s changed mappings will be restored to their earlier values",
        restored,
    ) % {"count": grouped(restored)}
    if removed and restored:
        # Translators: the two halves above joined into one sentence.
        return _("%(removing)s and %(restoring)s.") % {"removing": removing, "restoring": restoring}
    if removed or restored:
        # Translators: one of the two halves above as a sentence (the full stop is the language's own).
        return _("%(what)s.") % {"what": removing if removed else restoring}
    return _("Nothing will change: this batch neither added nor changed a mapping.")
