"""The one place that drives openpyxl's internals: a read-only sheet's rows with their hidden flags.

openpyxl's read-only sheet streams its rows but does not say which are hidden; the parser it
streams with sees each row's attributes. No other module may touch openpyxl's private names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import openpyxl

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# Exact, not major.minor: private modules carry no compatibility promise, even across patch releases,
# and requirements.txt pins this exact version (a test keeps the two the same).
OPENPYXL_VERSION = "3.1.5"


class UnsupportedOpenpyxlVersion(RuntimeError):
    """The installed openpyxl is not the one this adapter was written and tested for."""


def check_openpyxl_version() -> None:
    installed = openpyxl.__version__
    if installed != OPENPYXL_VERSION:
        raise UnsupportedOpenpyxlVersion(
            f"imports/reader/openpyxl_adapter.py uses openpyxl's internals as of openpyxl {OPENPYXL_VERSION}, "
            f"but openpyxl {installed} is installed. Install the version pinned in requirements.txt, or check "
            f"the adapter against openpyxl {installed} (tests/imports/test_openpyxl_adapter.py) and update "
            "OPENPYXL_VERSION with the pin."
        )


# (row number as Excel numbers it, cell values as data_only=True loads them, hidden): a plain tuple,
# one per row, as cheap as it gets.
SheetRow = tuple[int, list[object], bool]


def sheet_rows(
    workbook: openpyxl.Workbook, sheet: ReadOnlyWorksheet, *, on_unreadable_row: Callable[[int], Exception]
) -> Iterator[SheetRow]:
    """The rows of ``sheet`` of a read-only ``workbook``, streamed: its iter_rows(values_only=True), with flags.

    Row attributes are dropped as soon as the row is read, so memory stays flat. Where the parser
    cannot go on (damaged XML, a bad cell: the same on every run), raises ``on_unreadable_row(row
    number)`` from the parser's error.
    """
    check_openpyxl_version()
    # Imported only once the version is known good: on another openpyxl this private module may be gone,
    # and that must not stop the consumer site from starting (imports.E002 stops the deploy instead).
    from openpyxl.worksheet._reader import WorkSheetParser

    source = sheet._get_source()
    try:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        parsed = parser.parse()
        number = 0
        while True:
            try:
                number, cells = next(parsed)
            except StopIteration:
                return
            except Exception as error:
                raise on_unreadable_row(number + 1) from error
            attributes = parser.row_dimensions.pop(str(number), None) or {}
            values: list[object] = [None] * max((cell["column"] for cell in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values, attributes.get("hidden") in {"1", "true"}
    finally:
        source.close()
