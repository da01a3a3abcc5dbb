"""Reads an uploaded mapping file (CSV in any encoding Excel writes, or XLSX) as rows of raw text.

Streaming only: one row at a time, so memory stays flat however long the file is. Nothing here
judges the values; it finds the columns and hands over what each cell said.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

FIELDS = ("old", "new", "name", "division", "mobile")
REQUIRED = ("old", "new")

# Header aliases, compared after _header_key (case, spaces, underscores, hyphens and dots ignored).
_ALIASES = {
    "old": [
        "old_account_number",
        "old account no",
        "old_acct_no",
        "old account",
        "old account num",
        "old_account_no",
        "पुराना खाता संख्या",
        "पुराना खाता नंबर",
        "पुरानी खाता संख्या",
    ],
    "new": [
        "new_account_number",
        "new account no",
        "new_acct_no",
        "new account",
        "new account num",
        "new_account_no",
        "नया खाता संख्या",
        "नया खाता नंबर",
        "नई खाता संख्या",
    ],
    "name": ["consumer_name", "name", "consumer", "उपभोक्ता का नाम", "उपभोक्ता नाम", "नाम"],
    "division": ["division", "खंड", "डिवीजन"],
    "mobile": [
        "mobile",
        "mobile no",
        "mobile number",
        "registered_mobile",
        "registered mobile no",
        "मोबाइल",
        "मोबाइल नंबर",
        "मोबाइल संख्या",
    ],
}
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u00a0 \t_-./"), None)


def _header_key(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return "".join(text.casefold().translate(_INVISIBLE).split())


_ALIAS_TO_FIELD = {_header_key(alias): name for name, aliases in _ALIASES.items() for alias in aliases}

_DELIMITERS = ",;\t"
_SAMPLE_BYTES = 64 * 1024


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


def _map_header(cells: list[object]) -> dict[str, int]:
    positions: dict[str, int] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(_header_key(cell))
        if name is None:
            continue  # extra columns (meter number, address...) are ignored
        if name in positions:
            duplicates.append(name)
        positions[name] = index
    if duplicates:
        raise FileRefused("duplicate_columns", columns=duplicates)
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise FileRefused("missing_columns", columns=missing)
    return positions


def _is_blank(cells: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _picker(positions: dict[str, int]) -> Callable[[list[object]], dict[str, object]]:
    """A fast function from a row's cells to {field: cell}; short rows get None for what they lack."""
    names = tuple(positions)
    indexes = tuple(positions.values())
    getter = operator.itemgetter(*indexes)
    widest = max(indexes)

    def pick(cells: list[object]) -> dict[str, object]:
        if len(cells) > widest:
            values = getter(cells)
            return dict(zip(names, values if len(indexes) > 1 else (values,), strict=True))
        return {name: (cells[index] if index < len(cells) else None) for name, index in positions.items()}

    return pick


# --- CSV ------------------------------------------------------------------------------------------


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


# A valid UTF-8 sequence of two to four bytes. Windows-1252 text almost never holds one (it would take
# a capital accented letter followed by a typographic sign, such as "Ã©"); a file that is not UTF-8
# as a whole but holds them is UTF-8 in parts and something else in others.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_CHUNK_BYTES = 1024 * 1024


def _has_utf8_sequences(path: Path) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK_BYTES):
            # Three bytes carried over: a sequence cut by the chunk boundary is still found.
            if _UTF8_MULTIBYTE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def _nul_character(path: Path, encoding: str) -> FileRefused:
    """The refusal of a file holding a NUL character, with the line it is on (for a text editor)."""
    newlines = returns = 0
    with path.open("r", encoding=encoding, errors="replace", newline="") as text:
        while chunk := text.read(_CHUNK_BYTES):
            position = chunk.find("\x00")
            if position >= 0:
                chunk = chunk[:position]
            newlines += chunk.count("\n")
            returns += chunk.count("\r")
            if position >= 0:
                break
    # Lines end with LF or CRLF, or with a lone CR in files from old Macs.
    return FileRefused("nul_character", line=(newlines or returns) + 1)


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            # Not decoded in advance (the common case for big files, read once): a byte that is not
            # UTF-8 is found while reading, and so is a NUL byte.
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode text": UTF-16 with a BOM, usually tab-separated. Decoded once in full
            # first: NUL bytes are normal in UTF-16, a NUL character is not.
            try:
                with path.open("r", encoding="utf-16", newline="") as text:
                    while chunk := text.read(_CHUNK_BYTES):
                        if "\x00" in chunk:
                            raise _nul_character(path, "utf-16")
            except UnicodeDecodeError:
                raise FileRefused("encoding") from None
            return "utf-16"
        handle.seek(0)
        # Prove the whole file is UTF-8 before trusting it; only then fall back to Windows-1252,
        # which Excel writes on Windows machines set to English.
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK_BYTES):
                if b"\x00" in chunk:
                    raise _nul_character(path, "latin-1")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    # Read as Windows-1252, the UTF-8 parts of a file joined from two exports would go live as
    # mojibake (राम as à¤°à¤¾à¤®): refused instead.
    if _has_utf8_sequences(path):
        raise FileRefused("mixed_encoding")
    # Windows-1252 leaves five byte values undefined; a file with one of them is not text we know.
    try:
        with path.open("r", encoding="cp1252", newline="") as text:
            while chunk := text.read(_CHUNK_BYTES):
                if "\x00" in chunk:
                    raise _nul_character(path, "cp1252")
    except UnicodeDecodeError:
        raise FileRefused("encoding") from None
    return "cp1252"


def _header_delimiter(sample: str) -> list[str]:
    """Delimiters to try, most likely first: csv.Sniffer's guess, then the rest."""
    order: list[str] = []
    with contextlib.suppress(csv.Error):
        order.append(csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter)
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    order.extend(sorted(_DELIMITERS, key=lambda d: -first_line.count(d)))
    return list(dict.fromkeys(order))


def _open_csv(path: Path) -> MappingFile:
    encoding = _detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except UnicodeDecodeError:
        raise FileRefused("mixed_encoding") from None  # after a UTF-8 BOM: UTF-8 in parts only
    if not sample:
        raise FileRefused("empty_file")  # nothing but a BOM
    if "\x00" in sample:
        raise _nul_character(path, encoding)
    if not sample.strip():
        raise FileRefused("no_header")

    header: list[str] | None = None
    positions: dict[str, int] = {}
    delimiter = ","
    first_refusal: FileRefused | None = None
    for candidate in _header_delimiter(sample):
        reader = csv.reader(io.StringIO(sample), delimiter=candidate)
        header = next((row for row in reader if not _is_blank(list(row))), None)
        if header is None:
            raise FileRefused("no_header")
        try:
            positions = _map_header(list(header))
        except FileRefused as refusal:
            first_refusal = first_refusal or refusal
            continue
        delimiter = candidate
        break
    else:
        assert first_refusal is not None
        raise first_refusal

    raw = path.open("rb")
    check_nul = encoding == "utf-8-sig"  # the other encodings were read in full already
    counting = _CountingReader(raw, on_nul=(lambda: _nul_character(path, encoding)) if check_nul else None)
    text = io.TextIOWrapper(io.BufferedReader(counting, buffer_size=256 * 1024), encoding=encoding, newline="")
    size = max(path.stat().st_size, 1)

    pick = _picker(positions)

    def rows() -> Iterator[RawRow]:
        reader = csv.reader(text, delimiter=delimiter)
        seen_header = False
        record_number = 0
        try:
            for record_number, cells in enumerate(reader, start=1):
                joined = "".join(cells)
                if not joined.strip():
                    continue  # stray blank lines: skipped, but they keep Excel's row numbering
                if not seen_header:
                    seen_header = True
                    continue
                if "\n" in joined or "\r" in joined:
                    # Rare: a cell with a line break. Excel's own (Alt+Enter) are fine; rows swallowed
                    # by a quote that was never closed are not.
                    _refuse_rows_inside_a_cell(cells, delimiter, path, encoding, record_number)
                # Records counted from the top, blank ones included: the row number Excel shows.
                yield RawRow(row_number=record_number, values=pick(cells))
        except csv.Error:
            # A quoted cell that never ends grows past the csv module's field limit (131,072
            # characters): the same unclosed quote, found later. It fails the same way every time.
            raise _unclosed_quote(path, encoding, delimiter, record_number + 1) from None
        except UnicodeDecodeError:
            raise FileRefused("mixed_encoding") from None  # only UTF-8 after a BOM is decoded unproven

    return MappingFile(
        columns=list(positions),
        rows=rows(),
        fraction_read=lambda: min(counting.bytes_read / size, 1.0),
        close=text.close,
    )


def _record_start_line(path: Path, encoding: str, delimiter: str, record_number: int) -> int:
    """The line of the file on which record ``record_number`` starts (a cell may span several lines)."""
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        for _ in itertools.islice(reader, record_number - 1):
            pass
        return reader.line_num + 1


def _unclosed_quote(path: Path, encoding: str, delimiter: str, record_number: int) -> FileRefused:
    return FileRefused(
        "malformed_csv",
        row=record_number,
        line=_record_start_line(path, encoding, delimiter, record_number),
    )


def _looks_like_rows(cell: str, delimiter: str) -> bool:
    """Whether a cell's later lines look like rows of a mapping file rather than a multi-line name.

    A line that starts with an account-number-like field (6-12 digits) followed by the delimiter, or
    that holds two such fields, is a row: Excel's line breaks inside a cell (Alt+Enter) separate
    words of a name or an address, never a delimited row with account numbers.
    """
    for line in cell.splitlines()[1:]:
        parts = [part.strip().strip('"').strip() for part in line.split(delimiter)]
        if len(parts) < 2:
            continue
        numbers = [part.isascii() and part.isdigit() and 6 <= len(part) <= 12 for part in parts]
        if numbers[0] or sum(numbers) >= 2:
            return True
    return False


def _refuse_rows_inside_a_cell(cells: list[str], delimiter: str, path: Path, encoding: str, record_number: int) -> None:
    """Refuse the file when a quote opened in this record swallowed the rows after it.

    The whole file, not the row: the swallowed rows are not rows any more, so refusing only this one
    would drop their mappings without a trace in the preview or the report.
    """
    if any(("\n" in cell or "\r" in cell) and _looks_like_rows(cell, delimiter) for cell in cells):
        raise _unclosed_quote(path, encoding, delimiter, record_number)


# --- XLSX -----------------------------------------------------------------------------------------


def _open_xlsx(path: Path) -> MappingFile:
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise FileRefused("not_a_workbook")
    try:
        # read_only streams the sheet's XML: constant memory whatever the number of rows.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileRefused("not_a_workbook") from error
    except Exception as error:  # zipfile.BadZipFile and friends: any unreadable workbook is refused
        raise FileRefused("not_a_workbook") from error
    if not workbook.worksheets:
        workbook.close()
        raise FileRefused("no_header")
    sheet = workbook.worksheets[0]
    total_rows = sheet.max_row or 0
    cells_iter = sheet.iter_rows(values_only=True)
    header_row = 0
    positions: dict[str, int] | None = None
    for record_number, cells in enumerate(cells_iter, start=1):
        if _is_blank(list(cells)):
            continue
        header_row = record_number
        try:
            positions = _map_header(list(cells))
        except FileRefused:
            workbook.close()
            raise
        break
    if positions is None:
        workbook.close()
        raise FileRefused("no_header")
    progress = {"row": header_row}
    pick = _picker(positions)

    def rows() -> Iterator[RawRow]:
        for record_number, cells in enumerate(cells_iter, start=header_row + 1):
            progress["row"] = record_number
            if _is_blank(list(cells)):
                continue
            yield RawRow(row_number=record_number, values=pick(list(cells)))

    return MappingFile(
        columns=list(positions),
        rows=rows(),
        fraction_read=lambda: min(progress["row"] / total_rows, 1.0) if total_rows else 0.0,
        close=workbook.close,
    )


_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


def mapping_file_open(path: Path, *, original_name: str) -> MappingFile:
    """Open ``path`` as the kind its original name says, or raise FileRefused."""
    suffix = Path(original_name).suffix.lower()
    if suffix not in _CSV_SUFFIXES and suffix != ".xlsx":
        raise FileRefused("unsupported_type")
    if path.stat().st_size == 0:
        raise FileRefused("empty_file")
    if suffix == ".xlsx":
        return _open_xlsx(path)
    with path.open("rb") as handle:
        if handle.read(4) == b"PK\x03\x04":
            raise FileRefused("not_text", extension=suffix)
    return _open_csv(path)


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_EXCEL_DECIMAL = re.compile(r"^\d+[.,]0+$")


def raw_number_problem(value: object) -> str | None:
    """Excel damage that the normaliser must never see (it would strip the dot and keep going).

    Returns a row reason code, or None when the value may go to the normaliser.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return "excel_number"
    if isinstance(value, int):
        return None  # an XLSX number cell; its length is judged by the caller
    if isinstance(value, str):
        compact = "".join(value.split())
        if _SCIENTIFIC.match(compact):
            return "scientific_notation"
        if _EXCEL_DECIMAL.match(compact):
            return "excel_number"
    return None
