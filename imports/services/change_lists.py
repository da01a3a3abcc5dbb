"""The changed mappings a confirmation page lists, as downloads: an XLSX workbook, or a CSV streamed.

Both in the reader's language and safe in Excel (kesco_lookup/excel.py): numbers stay text with their
leading zeros, a name typed as a formula ("=HYPERLINK(...)") is never run. Rows come from the
selector a thousand or two at a time, so memory stays flat however many mappings changed.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.selectors import ChangedMapping
from kesco_lookup.excel import excel_safe, report_text

# Rows written to the CSV stream at a time: one network write per few hundred KB, not per row.
_CSV_ROWS_PER_CHUNK = 2000


def _header(after: str) -> list[str]:
    stage = _("in the file") if after == "apply" else _("restored")
    fields = [_("new account number"), _("consumer name"), _("division"), _("mobile (last 4 digits)")]
    header = [_("old account number")]
    for field in fields:
        header += [_("%(field)s: %(stage)s") % {"field": field, "stage": label} for label in (_("now"), stage)]
    return header


def _values(change: ChangedMapping) -> list[str]:
    """The old number, then each field now and afterwards."""
    current = change.current or ("", "", "", "")
    return [change.old_account_number, *(value for pair in zip(current, change.after, strict=True) for value in pair)]


def changed_mappings_xlsx(*, changes: Iterable[ChangedMapping], sheet_title: str, after: str) -> IO[bytes]:
    """The mappings an apply or a rollback (``after``: "apply" or "rollback") changes, now and afterwards.

    Every cell is text: excel_safe() puts an apostrophe before a would-be formula and report_text()
    keeps it there, so no value starts with "=" and openpyxl writes each as a string, never a
    formula or a number. Written row by row (write-only mode) into a temporary file, returned open
    at its start. openpyxl writes about 50,000 cells a second: 75,000 changed mappings take 10-20 s.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([_cell(value) for value in _header(after)])
    for change in changes:
        sheet.append([_cell(value) for value in _values(change)])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed over open; the response closes it)
    workbook.save(output)
    output.seek(0)
    return output


def _cell(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", report_text(excel_safe(value)))


def changed_mappings_csv(*, changes: Iterable[ChangedMapping], after: str) -> Iterator[bytes]:
    """The same list as a CSV, produced while it is sent: UTF-8 with a byte-order mark (Excel then shows
    Hindi), every cell through excel_safe() as in the error report. Seconds where the workbook takes tens."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([excel_safe(value) for value in _header(after)])
    for index, change in enumerate(changes, start=1):
        writer.writerow([excel_safe(value) for value in _values(change)])
        if index % _CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
