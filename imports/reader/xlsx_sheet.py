"""A worksheet's rows, streamed from its XML: the values openpyxl's data_only reader gives, hidden flags too.

Replaces openpyxl's reader for speed (docs/imports.md, "Which XLSX reader") and for bounds: a
cell's length, the highest column and the part's unpacked size are capped as the bytes arrive.
Parity with openpyxl, workbook by workbook, is tested in tests/imports/test_xlsx_parity.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from imports.reader.xlsx_parts import DateStyles, string_text
from imports.reader.xlsx_xml import BrokenXml, LocalNames, element_batches, forget
from imports.reader.xlsx_zip import WorkbookZip, too_large

# (row number as Excel numbers it, cell values, hidden): as openpyxl_adapter.SheetRow.
SheetRow = tuple[int, list[object], bool]

_EXCEL_COLUMNS = 16_384  # XFD: a row with more cells than this was not written by a spreadsheet


def _column_numbers() -> dict[str, int]:
    numbers = {}
    for number in range(1, _EXCEL_COLUMNS + 1):
        letters, rest = "", number
        while rest:
            rest, remainder = divmod(rest - 1, 26)
            letters = chr(65 + remainder) + letters
        numbers[letters] = number
    return numbers


_COLUMN_NUMBERS = _column_numbers()
_COLUMN_LETTERS = {number: letters for letters, number in _COLUMN_NUMBERS.items()}
_DIGITS = "0123456789"


@dataclass(frozen=True)
class SheetLimits:
    max_column: int  # a cell with a value beyond it refuses the file; empty formatted ones are passed over
    max_cell_chars: int


class _Broken(Exception):
    """A cell openpyxl could not have read either (a bad reference, a shared string that is not there)."""


def _number(text: str) -> int | float:
    # openpyxl's rule: a dot or an exponent makes a float, anything else an int.
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class _CellReader:
    """Turns one ``c`` element into its value, as openpyxl reads a cell with data_only=True."""

    def __init__(self, strings: list[str], styles: DateStyles, date1904: bool, names: LocalNames) -> None:
        self.strings = strings
        self.dates = styles.dates
        self.durations = styles.durations
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        self.names = names

    def value(self, cell: object, cell_type: str) -> object:
        names = self.names
        if cell_type == "inlineStr":
            inline = next((child for child in cell if names[child.tag] == "is"), None)  # type: ignore[attr-defined]
            return None if inline is None else string_text(inline, names)
        text = next((child.text for child in cell if names[child.tag] == "v"), None)  # type: ignore[attr-defined]
        if not text:
            return None
        if cell_type == "n":
            number = _number(text)
            style = cell.get("s")  # type: ignore[attr-defined]
            if style and int(style) in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=int(style) in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if cell_type == "s":
            return self.strings[int(text)]
        if cell_type == "b":
            return bool(int(text))
        if cell_type == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)


_NOT_COMMON = object()


def _common_value(cell: object, names: LocalNames, strings: list[str]) -> object:
    """The two cells nearly every sheet is made of, read fast: a shared string, an inline string.

    Anything else (numbers, dates, rich text...) is left to _CellReader (returns _NOT_COMMON).
    """
    cell_type = cell.get("t")  # type: ignore[attr-defined]
    child = cell[0]  # type: ignore[index]
    if cell_type == "s":
        if names[child.tag] == "v" and child.text:
            return strings[int(child.text)]
    elif cell_type == "inlineStr" and names[child.tag] == "is" and len(child) == 1:
        text = child[0]
        if names[text.tag] == "t":
            return text.text or ""
    return _NOT_COMMON


def sheet_rows(
    workbook: WorkbookZip,
    part: str,
    *,
    strings: list[str],
    styles: DateStyles,
    date1904: bool,
    limits: SheetLimits,
    on_unreadable_row: Callable[[int], Exception],
    progress: dict[str, int],
) -> Iterator[SheetRow]:
    """The rows of the worksheet ``part`` in order; ``progress["bytes"]`` counts the XML read so far.

    Where the XML cannot be read on (damaged, cut short, a bad cell), raises ``on_unreadable_row``
    of the first row not handed over, as openpyxl_adapter.sheet_rows does.
    """
    names = LocalNames()
    reader = _CellReader(strings, styles, date1904, names)
    max_column = limits.max_column
    max_chars = limits.max_cell_chars
    cells: list[object] = []
    column = 0
    cell_count = 0
    row_number = 0  # the last row handed over
    too_far = _COLUMN_LETTERS[max_column]
    sheet_data = None
    with workbook.open(part) as counted:

        def report() -> None:
            progress["bytes"] = counted.bytes_read

        batches = element_batches(
            counted,
            ("c", "row", "col", "sheetData"),
            stalled=lambda: too_large("cell_length", row=row_number + 1, maximum=max_chars),
            max_stall_bytes=4 * max_chars + 1024 * 1024,
            progress=report,
        )
        try:
            for batch in batches:
                for element in batch:
                    local = names[element.tag]
                    if local == "c":
                        reference = element.get("r")
                        if reference:
                            found = _COLUMN_NUMBERS.get(reference.rstrip(_DIGITS))
                            if found is None:
                                raise _Broken
                            column = found
                        else:
                            column += 1
                        cell_count += 1
                        if cell_count > _EXCEL_COLUMNS:
                            raise too_large("columns", row=_row_of(element, row_number), column=too_far)
                        value = _common_value(element, names, strings) if len(element) == 1 else _NOT_COMMON
                        if value is _NOT_COMMON:
                            value = reader.value(element, element.get("t", "n"))
                        if value is not None:
                            if column > max_column:
                                raise too_large("columns", row=_row_of(element, row_number), column=too_far)
                            if value.__class__ is str and len(value) > max_chars:  # type: ignore[arg-type]
                                raise too_large("cell_length", row=_row_of(element, row_number), maximum=max_chars)
                            if len(cells) < column:
                                cells.extend([None] * (column - len(cells)))
                            cells[column - 1] = value
                    elif local == "row":
                        number = element.get("r")
                        row_number = _row_number(number) if number else row_number + 1
                        hidden = element.get("hidden") in {"1", "true"}
                        sheet_data = element.getparent()
                        yield row_number, cells, hidden
                        cells = []
                        column = cell_count = 0
                    elif local == "sheetData":
                        return  # what follows (merged cells, page setup...) holds no rows
                    else:
                        forget(element)  # a column's width and style
                if sheet_data is not None:
                    # The rows read so far, dropped in one go (the last may still be growing).
                    del sheet_data[:-1]
        except (BrokenXml, _Broken, ValueError, IndexError, TypeError) as error:
            raise on_unreadable_row(row_number + 1) from error


def _row_of(cell: object, previous_row: int) -> int:
    """The row a cell is on, from its reference ("B12"), else the row after the last one handed over."""
    digits = (cell.get("r") or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # type: ignore[attr-defined]
    return int(digits) if digits.isdigit() else previous_row + 1


def _row_number(text: str) -> int:
    # openpyxl's rule: an integer, or a float that is one ("3.0").
    try:
        return int(text)
    except ValueError:
        as_float = float(text)
        if not as_float.is_integer():
            raise _Broken from None
        return int(as_float)
