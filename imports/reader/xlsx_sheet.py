"""A worksheet's rows streamed with lxml: the reader for sheets the fast one does not take.

Used for XML that is not laid out as Excel, LibreOffice and openpyxl write it (a namespace prefix
on every tag, say: docs/imports.md, "Which XLSX reader"). Row by row, each dropped once read; a row
that is not over within the stall limit (more cells than a sheet can have) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from imports.reader.xlsx_cells import BrokenCell, Cells, SheetRow
from imports.reader.xlsx_xml import BrokenXml, LocalNames, element_batches, forget
from imports.reader.xlsx_zip import WorkbookZip, too_large


def sheet_rows_lxml(
    workbook: WorkbookZip,
    part: str,
    *,
    cells: Cells,
    on_unreadable_row: Callable[[int], Exception],
    progress: dict[str, int],
) -> Iterator[SheetRow]:
    """The rows of the worksheet ``part`` in order; ``progress["bytes"]`` counts the XML read so far.

    Where the XML cannot be read on (damaged, cut short, a bad cell), raises ``on_unreadable_row``
    of the first row not handed over, as openpyxl_adapter.sheet_rows does.
    """
    names = LocalNames()
    last_row = 0
    with workbook.open(part) as counted:

        def report() -> None:
            progress["bytes"] = counted.bytes_read

        batches = element_batches(
            counted,
            ("row", "col", "sheetData"),
            stalled=lambda: too_large("cell_length", row=last_row + 1, maximum=cells.max_chars),
            max_stall_bytes=4 * cells.max_chars + 1024 * 1024,
            progress=report,
        )
        try:
            for batch in batches:
                for element in batch:
                    local = names[element.tag]
                    if local == "row":
                        row = cells.row_from_element(element, last_row)
                        forget(element)
                        last_row = row[0]
                        yield row
                    elif local == "sheetData":
                        return  # what follows (merged cells, page setup...) holds no rows
                    else:
                        forget(element)  # a column's width and style
        except (BrokenXml, BrokenCell, ValueError, IndexError, TypeError) as error:
            raise on_unreadable_row(last_row + 1) from error
