"""Opens an XLSX: its first visible sheet, streamed through the openpyxl adapter, hidden rows counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl

from imports.reader import openpyxl_adapter
from imports.reader.header import find_header, is_blank, picker
from imports.reader.mapping_file import FileRefused, MappingFile, RawRow


def open_xlsx(path: Path) -> MappingFile:
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise FileRefused("not_a_workbook")
    try:
        # read_only streams the sheet's XML: constant memory whatever the number of rows.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # InvalidFileException, zipfile.BadZipFile, KeyError...: any unreadable workbook
        raise FileRefused("not_a_workbook") from error
    if not workbook.worksheets:
        workbook.close()
        raise FileRefused("no_header")
    # The first sheet staff can see: a hidden one (old data, lookup lists) is never what they meant.
    # Excel always keeps at least one sheet visible; the first sheet is the fallback all the same.
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    sheet = visible[0] if visible else workbook.worksheets[0]
    notes: dict[str, object] = {}
    passed_over = [other.title for other in workbook.worksheets[: workbook.worksheets.index(sheet)]]
    if passed_over:
        notes["hidden_sheets_passed_over"] = passed_over
    total_rows = sheet.max_row or 0
    numbered = openpyxl_adapter.sheet_rows(
        workbook, sheet, on_unreadable_row=lambda row: FileRefused("damaged_workbook", row=row, sheet=sheet.title)
    )
    non_blank = ((number, cells) for number, cells, _hidden in numbered if not is_blank(cells))
    try:
        header = find_header(non_blank)
    except FileRefused as refusal:
        workbook.close()
        refusal.details["sheet"] = sheet.title
        raise
    progress = {"row": header.record_number}
    pick = picker(header.positions)

    def rows() -> Iterator[RawRow]:
        # The same iterator the header search stopped in: it goes on with the row after the header.
        hidden_rows = 0
        for record_number, cells, hidden in numbered:
            progress["row"] = record_number
            if is_blank(cells):
                continue
            if hidden:
                # Read like the others, but counted for the preview: docs/imports.md, "What a file may look like".
                hidden_rows += 1
                notes["hidden_rows"] = hidden_rows
            yield RawRow(row_number=record_number, values=pick(cells))

    return MappingFile(
        columns=list(header.positions),
        rows=rows(),
        fraction_read=lambda: min(progress["row"] / total_rows, 1.0) if total_rows else 0.0,
        close=workbook.close,
        sheet_name=sheet.title,
        header_row=header.record_number,
        notes=notes,
    )
