"""Opens a CSV: its delimiter, its header, its records streamed; unclosed quotes refused."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from imports.reader.csv_encoding import detect_encoding, nul_character
from imports.reader.header import Header, find_header, is_blank, picker
from imports.reader.mapping_file import FileRefused, MappingFile, RawRow

_DELIMITERS = ",;\t"
_SAMPLE_BYTES = 64 * 1024
_SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?(?:\1)*[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)


@dataclass(frozen=True)
class _CsvLayout:
    path: Path
    encoding: str
    delimiter: str
    skip_lines: int  # a "sep=" line before the first row


class _CountingReader(io.RawIOBase):
    """Counts the bytes handed to the text decoder, so progress can be told without seeking.

    For files whose encoding was not proven in advance (UTF-8 with a BOM, not decoded twice for
    speed) it also refuses a NUL byte as it passes: PostgreSQL cannot store one, SQLite would.
    """

    def __init__(self, raw: IO[bytes], *, on_nul: Callable[[], FileRefused] | None = None) -> None:
        self._raw = raw
        self._on_nul = on_nul
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._raw.read(len(buffer))
        if self._on_nul is not None and b"\x00" in data:
            raise self._on_nul()
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)


def _header_delimiter(sample: str) -> list[str]:
    """Delimiters to try, most likely first: csv.Sniffer's guess, then the rest."""
    order: list[str] = []
    with contextlib.suppress(csv.Error):
        order.append(csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter)
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    order.extend(sorted(_DELIMITERS, key=lambda d: -first_line.count(d)))
    return list(dict.fromkeys(order))


def open_csv(path: Path) -> MappingFile:
    encoding = detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except UnicodeDecodeError:
        raise FileRefused("mixed_encoding") from None  # after a UTF-8 BOM: UTF-8 in parts only
    if not sample:
        raise FileRefused("empty_file")  # nothing but a BOM
    if "\x00" in sample:
        raise nul_character(path, encoding)
    if not sample.strip():
        raise FileRefused("no_header")

    # Excel's hint line "sep=;" (written by some exports so that Excel splits on it): Excel takes the
    # delimiter from it and does not show the line, so the header after it is row 1.
    sep_line = _SEP_LINE.match(sample)
    if sep_line:
        candidates = [sep_line.group(1)]
        sample = sample[sep_line.end() :]
    else:
        candidates = _header_delimiter(sample)
    layout: _CsvLayout | None = None
    header: Header | None = None
    first_refusal: FileRefused | None = None
    for candidate in candidates:
        layout = _CsvLayout(path=path, encoding=encoding, delimiter=candidate, skip_lines=1 if sep_line else 0)
        try:
            header = find_header(_sample_records(sample, layout))
        except FileRefused as refusal:
            first_refusal = first_refusal or refusal
            continue
        break
    if header is None or layout is None:
        assert first_refusal is not None
        raise first_refusal
    delimiter = layout.delimiter

    raw = path.open("rb")
    check_nul = encoding == "utf-8-sig"  # the other encodings were read in full already
    counting = _CountingReader(raw, on_nul=(lambda: nul_character(path, encoding)) if check_nul else None)
    text = io.TextIOWrapper(io.BufferedReader(counting, buffer_size=256 * 1024), encoding=encoding, newline="")
    size = max(path.stat().st_size, 1)

    pick = picker(header.positions)
    max_line = settings.IMPORTS_CSV_MAX_LINE_CHARS

    def rows() -> Iterator[RawRow]:
        for _ in range(layout.skip_lines):
            text.readline(max_line)
        record_number = header.record_number
        reader = csv.reader(
            _bounded_lines(text, max_line, first_line=layout.skip_lines + 1, row=lambda: record_number + 1),
            delimiter=delimiter,
        )
        try:
            # Title rows and the header itself, read again: they were checked in the sample.
            for _ in itertools.islice(reader, header.record_number):
                pass
            for record_number, cells in enumerate(reader, start=header.record_number + 1):
                joined = "".join(cells)
                if not joined.strip():
                    continue  # stray blank lines: skipped, but they keep Excel's row numbering
                if "\n" in joined or "\r" in joined:
                    # Rare: a cell with a line break. Excel's own (Alt+Enter) are fine; rows swallowed
                    # by a quote that was never closed are not.
                    _refuse_rows_inside_a_cell(cells, layout, record_number)
                # Records counted from the top, blank ones included: the row number Excel shows.
                yield RawRow(row_number=record_number, values=pick(cells))
        except csv.Error:
            # A cell past the csv module's field limit (131,072 characters): usually a quoted cell
            # that never ends (the same unclosed quote, found later); sometimes just a huge cell.
            raise _oversized_cell(layout, record_number + 1) from None
        except UnicodeDecodeError:
            raise FileRefused("mixed_encoding") from None  # only UTF-8 after a BOM is decoded unproven

    return MappingFile(
        columns=list(header.positions),
        rows=rows(),
        fraction_read=lambda: min(counting.bytes_read / size, 1.0),
        close=text.close,
        encoding=encoding,
        delimiter=delimiter,
        header_row=header.record_number,
    )


def _bounded_lines(text: IO[str], max_chars: int, *, first_line: int, row: Callable[[], int]) -> Iterator[str]:
    """The file's lines for the csv module, none longer than ``max_chars``: a longer one refuses the file.

    Iterating the file would read a line whole, however long: a file with no line break, read into memory.
    """
    for line_number, line in enumerate(iter(lambda: text.readline(max_chars + 1), ""), start=first_line):
        if len(line) > max_chars:
            raise FileRefused("line_too_long", row=row(), line=line_number, maximum=max_chars)
        yield line


def _sample_records(sample: str, layout: _CsvLayout) -> Iterator[tuple[int, list[object]]]:
    """The non-blank records at the start of the file, numbered as Excel numbers rows."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=layout.delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not is_blank(list(cells)):
                yield number, list(cells)
    except csv.Error:
        raise _unclosed_quote(layout, number + 1) from None


def _record_start_line(layout: _CsvLayout, record_number: int) -> int:
    """The line of the file on which record ``record_number`` starts (a cell may span several lines)."""
    with layout.path.open("r", encoding=layout.encoding, newline="") as handle:
        for _ in range(layout.skip_lines):
            handle.readline()
        reader = csv.reader(handle, delimiter=layout.delimiter)
        for _ in itertools.islice(reader, record_number - 1):
            pass
        return reader.line_num + 1 + layout.skip_lines


def _oversized_cell(layout: _CsvLayout, record_number: int) -> FileRefused:
    """The refusal for a record the csv module gave up on: an unclosed quote if its line has a quote."""
    line = _record_start_line(layout, record_number)
    with layout.path.open("r", encoding=layout.encoding, newline="") as handle:
        for _ in range(line - 1):
            handle.readline()
        start = handle.readline(4096)
    if '"' in start:
        return FileRefused("malformed_csv", row=record_number, line=line)
    return FileRefused("cell_too_long", row=record_number, line=line)


def _unclosed_quote(layout: _CsvLayout, record_number: int) -> FileRefused:
    return FileRefused("malformed_csv", row=record_number, line=_record_start_line(layout, record_number))


def _looks_like_rows(cell: str, delimiter: str) -> bool:
    """Whether a cell's later lines look like rows of a mapping file rather than a multi-line name.

    The rule and why it never catches Excel's own line breaks: docs/imports.md, "Unclosed quotes".
    """
    for line in cell.splitlines()[1:]:
        parts = [part.strip().strip('"').strip() for part in line.split(delimiter)]
        if len(parts) < 2:
            continue
        numbers = [part.isascii() and part.isdigit() and 6 <= len(part) <= 12 for part in parts]
        if numbers[0] or sum(numbers) >= 2:
            return True
    return False


def _refuse_rows_inside_a_cell(cells: list[str], layout: _CsvLayout, record_number: int) -> None:
    """Refuse the file when a quote opened in this record swallowed the rows after it.

    The whole file, not the row: docs/imports.md, "Unclosed quotes".
    """
    if any(("\n" in cell or "\r" in cell) and _looks_like_rows(cell, layout.delimiter) for cell in cells):
        raise _unclosed_quote(layout, record_number)
