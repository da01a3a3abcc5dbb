"""A batch's error report: its refused rows and warnings, stored as a CSV, served as XLSX on request."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import IO

import openpyxl
from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.models import ImportBatch
from imports.reasons import ROW_REASONS, ROW_WARNINGS, bilingual, in_english_and_hindi
from imports.selectors import rows_with_short_old_numbers, staging_rows_with_lengths
from kesco_lookup.excel import excel_safe, report_text


def notes_with_short_old_numbers(notes: dict, short: int) -> dict:
    """The batch's notes with the count of short old numbers replaced (dropped when there are none)."""
    notes = {key: value for key, value in notes.items() if key != "short_old_numbers"}
    return {**notes, "short_old_numbers": short} if short else notes


def report_write(batch: ImportBatch) -> None:
    """The refused rows and the rows imported with a warning, in file order, as a CSV that opens safely in Excel.

    Sets ``batch.error_report`` (left unsaved: the caller writes it with the batch's other fields).
    UTF-8 with BOM (Excel then shows Hindi), formulas neutralised; each row says whether it was
    refused or only warned about, with the code and the reason in English and in Hindi.
    """
    if batch.error_report:
        batch.error_report.delete(save=False)
    rows = (
        staging_rows_with_lengths()
        .filter(Q(batch_id=batch.pk) & ~Q(reason="") | rows_with_short_old_numbers(batch.pk))
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
