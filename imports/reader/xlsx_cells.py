"""Cells and rows of a worksheet as openpyxl's data_only reader gives them, for both sheet readers.

The values follow openpyxl's rules (tests/imports/test_xlsx_parity.py holds the two together); the
limits (the highest column, a cell's length, Excel's 16,384 cells a row) are checked as cells come.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from imports.reader.xlsx_parts import DateStyles, string_text
from imports.reader.xlsx_xml import Element, LocalNames
from imports.reader.xlsx_zip import too_large

# (row number as Excel numbers it, cell values, hidden): as openpyxl_adapter.SheetRow.
SheetRow = tuple[int, list[object], bool]

EXCEL_COLUMNS = 16_384  # XFD: a row with more cells than this was not written by a spreadsheet


def _column_numbers() -> dict[str, int]:
    numbers = {}
    for number in range(1, EXCEL_COLUMNS + 1):
        letters, rest = "", number
        while rest:
            rest, remainder = divmod(rest - 1, 26)
            letters = chr(65 + remainder) + letters
        numbers[letters] = number
    return numbers


COLUMN_NUMBERS = _column_numbers()
COLUMN_LETTERS = {number: letters for letters, number in COLUMN_NUMBERS.items()}


@dataclass(frozen=True)
class SheetLimits:
    max_column: int  # a cell with a value beyond it refuses the file; empty formatted ones are passed over
    max_cell_chars: int


class BrokenCell(Exception):
    """A cell or row openpyxl could not have read either (a bad reference, a shared string not there)."""


def row_number(text: str) -> int:
    # openpyxl's rule: an integer, or a float that is one ("3.0").
    try:
        return int(text)
    except ValueError:
        as_float = float(text)
        if not as_float.is_integer():
            raise BrokenCell from None
        return int(as_float)


class Cells:
    """Turns cells into values and puts them in their columns, the limits checked."""

    def __init__(self, strings: list[str], styles: DateStyles, date1904: bool, limits: SheetLimits) -> None:
        self.strings = strings
        self.dates = styles.dates
        self.durations = styles.durations
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        self.max_column = limits.max_column
        self.max_chars = limits.max_cell_chars
        self.too_far = COLUMN_LETTERS[limits.max_column]
        self.names = LocalNames()

    def value(self, cell_type: str, style: str | None, text: str | None) -> object:
        """The value of a cell of ``cell_type`` whose ``v`` holds ``text`` (not for inline strings)."""
        if not text or cell_type == "inlineStr":
            return None
        if cell_type == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
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

    def place(self, cells: list[object], column: int, value: object, row: int) -> None:
        """Put a value read on ``row`` in its column: beyond the last column read, or too long, refused."""
        if column > self.max_column:
            raise too_large("columns", row=row, column=self.too_far)
        if value.__class__ is str and len(value) > self.max_chars:  # type: ignore[arg-type]
            raise too_large("cell_length", row=row, maximum=self.max_chars)
        if len(cells) < column:
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = value

    def element_value(self, cell: Element) -> object:
        names = self.names
        cell_type = cell.get("t", "n")
        if cell_type == "inlineStr":
            inline = next((child for child in cell if names[child.tag] == "is"), None)
            return None if inline is None else string_text(inline, names)
        text = next((child.text for child in cell if names[child.tag] == "v"), None)
        return self.value(cell_type, cell.get("s"), text)

    def row_from_element(self, row: Element, previous_row: int) -> SheetRow:
        """A whole ``row`` element read: its number, its cells in their columns, whether it is hidden."""
        number = row.get("r")
        current = row_number(number) if number else previous_row + 1
        cells: list[object] = []
        column = 0
        for count, cell in enumerate((child for child in row if self.names[child.tag] == "c"), start=1):
            if count > EXCEL_COLUMNS:
                raise too_large("columns", row=current, column=self.too_far)
            reference = cell.get("r")
            if reference:
                found = COLUMN_NUMBERS.get(reference.rstrip("0123456789"))
                if found is None:
                    raise BrokenCell
                column = found
            else:
                column += 1
            value = self.element_value(cell)
            if value is not None:
                self.place(cells, column, value, current)
        return current, cells, row.get("hidden") in {"1", "true"}
