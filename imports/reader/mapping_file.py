"""What the reader hands over: an opened file's columns and rows, or the refusal of the whole file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple


class FileRefused(Exception):
    """The file as a whole cannot be imported; ``code`` is a key of imports.reasons.FILE_ERRORS.

    ``details`` fill the message's placeholders (row, line, columns...): never a cell's value that
    could be an account number, a name or a mobile.
    """

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class RawRow(NamedTuple):
    # A tuple, not a dataclass: one is made per row, and tuples are the cheapest to make.
    row_number: int
    values: dict[str, object]


@dataclass
class MappingFile:
    """An opened file: the columns found and a one-pass iterator over its data rows."""

    columns: list[str]
    rows: Iterator[RawRow]
    # 0.0 to 1.0: how far through the file the reader is (bytes for CSV, rows for XLSX).
    fraction_read: Callable[[], float] = field(default=lambda: 0.0)
    close: Callable[[], None] = field(default=lambda: None)
    # How the file was read, for the preview: a CSV's encoding (a Python codec name) and delimiter,
    # an XLSX's sheet; the header's row as Excel numbers it.
    encoding: str = ""
    delimiter: str = ""
    sheet_name: str = ""
    header_row: int = 1
    # What staff should know about how the file was read (code -> count or names), filled while the
    # rows are read: hidden rows, a hidden first sheet passed over.
    notes: dict[str, object] = field(default_factory=dict)
