"""Reads an uploaded mapping file (CSV in any encoding Excel writes, or XLSX) as rows of raw text.

Streaming only: one row at a time, so memory stays flat however long the file is (an XLSX's shared
strings excepted, held whole and capped). A workbook is checked for upload bombs before any of it
is parsed (xlsx_zip.py). Nothing here judges the values; it finds the columns and hands over what
each cell said.
"""

from __future__ import annotations

from pathlib import Path

from imports.reader.csv_file import open_csv
from imports.reader.header import FIELDS, HEADER_SEARCH_ROWS, REQUIRED
from imports.reader.mapping_file import FileRefused, MappingFile, RawRow
from imports.reader.raw_numbers import raw_number_problem
from imports.reader.xlsx_file import open_xlsx

__all__ = [
    "FIELDS",
    "HEADER_SEARCH_ROWS",
    "REQUIRED",
    "FileRefused",
    "MappingFile",
    "RawRow",
    "mapping_file_open",
    "raw_number_problem",
]

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


def mapping_file_open(path: Path, *, original_name: str) -> MappingFile:
    """Open ``path`` as the kind its original name says, or raise FileRefused."""
    suffix = Path(original_name).suffix.lower()
    if suffix not in _CSV_SUFFIXES and suffix != ".xlsx":
        raise FileRefused("unsupported_type")
    if path.stat().st_size == 0:
        raise FileRefused("empty_file")
    if suffix == ".xlsx":
        return open_xlsx(path)
    with path.open("rb") as handle:
        if handle.read(4) == b"PK\x03\x04":
            raise FileRefused("not_text", extension=suffix)
    return open_csv(path)
