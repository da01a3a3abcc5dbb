"""Opens an XLSX: its zip checked against the limits, then its first visible sheet streamed, hidden rows counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from imports.reader.header import find_header, is_blank, picker
from imports.reader.mapping_file import FileRefused, MappingFile, RawRow
from imports.reader.xlsx_cells import Cells, SheetLimits
from imports.reader.xlsx_fast import fast_declarations, fast_string_table, sheet_rows_fast
from imports.reader.xlsx_parts import date_styles, shared_strings, workbook_layout
from imports.reader.xlsx_sheet import sheet_rows_lxml
from imports.reader.xlsx_zip import WorkbookZip, ZipLimits


def open_xlsx(path: Path, *, fast_reader: bool = True) -> MappingFile:
    """The workbook's first visible sheet; ``fast_reader=False`` reads it all with lxml (bench/xlsx_readers.py)."""
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise FileRefused("not_a_workbook")
    # Before any XML is parsed: the zip's directory against the limits (docs/imports.md, "Upload bombs").
    workbook = WorkbookZip(path, ZipLimits.from_settings())
    try:
        return _open_sheet(workbook, fast_reader=fast_reader)
    except BaseException:
        workbook.close()
        raise


def _open_sheet(workbook: WorkbookZip, *, fast_reader: bool) -> MappingFile:
    layout = workbook_layout(workbook)
    if not layout.sheets:
        raise FileRefused("no_header")
    # The first sheet staff can see: a hidden one (old data, lookup lists) is never what they meant.
    # Excel always keeps at least one sheet visible; the first sheet is the fallback all the same.
    sheet = next((sheet for sheet in layout.sheets if sheet.visible), layout.sheets[0])
    notes: dict[str, object] = {}
    passed_over = [other.title for other in layout.sheets[: layout.sheets.index(sheet)]]
    if passed_over:
        notes["hidden_sheets_passed_over"] = passed_over
    max_chars = settings.IMPORTS_MAX_CELL_CHARS
    strings: list[str] | None = []
    if layout.shared_strings is not None:
        limits = {"maximum": settings.IMPORTS_XLSX_MAX_SHARED_STRINGS, "max_chars": max_chars}
        strings = fast_string_table(workbook, layout.shared_strings, **limits) if fast_reader else None
        if strings is None:  # not all plain texts: read again, element by element
            strings = shared_strings(workbook, layout.shared_strings, **limits)
    cells = Cells(
        strings,
        date_styles(workbook, layout.styles),
        layout.date1904,
        SheetLimits(max_column=settings.IMPORTS_XLSX_MAX_COLUMN, max_cell_chars=max_chars),
    )
    progress = {"bytes": 0}
    unreadable = {
        "on_unreadable_row": lambda row: FileRefused("damaged_workbook", row=row, sheet=sheet.title),
        "progress": progress,
    }
    # The fast reader for the layout spreadsheets write, lxml for any other: docs/imports.md.
    declarations = fast_declarations(workbook, sheet.part) if fast_reader else None
    if declarations is not None:
        numbered = sheet_rows_fast(workbook, sheet.part, declarations=declarations, cells=cells, **unreadable)
    else:
        numbered = sheet_rows_lxml(workbook, sheet.part, cells=cells, **unreadable)
    non_blank = ((number, cells) for number, cells, _hidden in numbered if not is_blank(cells))
    try:
        header = find_header(non_blank)
    except FileRefused as refusal:
        refusal.details.setdefault("sheet", sheet.title)
        raise
    pick = picker(header.positions)
    size = max(workbook.size(sheet.part), 1)

    def rows() -> Iterator[RawRow]:
        # The same iterator the header search stopped in: it goes on with the row after the header.
        hidden_rows = 0
        try:
            for record_number, cells, hidden in numbered:
                if is_blank(cells):
                    continue
                if hidden:
                    # Read like the others, but counted for the preview: docs/imports.md, "What a file may look like".
                    hidden_rows += 1
                    notes["hidden_rows"] = hidden_rows
                yield RawRow(row_number=record_number, values=pick(cells))
        except FileRefused as refusal:
            refusal.details.setdefault("sheet", sheet.title)
            raise

    return MappingFile(
        columns=list(header.positions),
        rows=rows(),
        fraction_read=lambda: min(progress["bytes"] / size, 1.0),
        close=workbook.close,
        sheet_name=sheet.title,
        header_row=header.record_number,
        notes=notes,
    )
