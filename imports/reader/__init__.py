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

from imports.reader import openpyxl_adapter

FIELDS = ("old", "new", "name", "division", "mobile")
REQUIRED = ("old", "new")

# Header aliases, compared after _header_key (case, spaces, underscores, hyphens, dots, slashes,
# brackets and apostrophes ignored: "Old A/c No." is "oldacno"). The account number headers are every
# combination of the words below, in either order ("Old Account No", "Account No (Old)", "OLD_ACC_NO",
# "पुराना खाता सं."): billing exports, hand-made sheets and Hindi offices spell them all ways.
_OLD_WORDS = ("old", "previous", "prev", "पुराना", "पुरानी", "पुराने")
_NEW_WORDS = ("new", "नया", "नई", "नयी", "नए", "नये")
# Words that may stand without a number word after them ("Old Account", "पुराना खाता"); "consumer"
# may not: "New Consumer" could be a yes/no column.
_ACCOUNT_WORDS = ("account", "acct", "acc", "a/c", "खाता")
_ACCOUNT_WORDS_NEEDING_NUMBER = ("consumer", "उपभोक्ता")
_NUMBER_WORDS = ("number", "no", "num", "nbr", "संख्या", "सं", "नंबर", "नम्बर", "क्रमांक")


def _account_number_aliases(which_words: tuple[str, ...]) -> list[str]:
    aliases = []
    for which in which_words:
        for account in _ACCOUNT_WORDS:
            aliases += [f"{which} {account}", f"{account} {which}"]
        for number in _NUMBER_WORDS:
            aliases += [f"{which} {number}", f"{number} {which}"]
            for account in _ACCOUNT_WORDS + _ACCOUNT_WORDS_NEEDING_NUMBER:
                aliases += [f"{which} {account} {number}", f"{account} {number} {which}"]
    return aliases


_MOBILE_WORDS = ("mobile", "mob", "मोबाइल", "मोबाईल")
_MOBILE_PREFIXES = ("", "registered", "regd", "consumer", "रजिस्टर्ड", "पंजीकृत", "उपभोक्ता का")
_MOBILE_SUFFIXES = ("", "no", "number", "num", "नंबर", "नम्बर", "संख्या", "सं")

_ALIASES = {
    "old": _account_number_aliases(_OLD_WORDS),
    "new": _account_number_aliases(_NEW_WORDS),
    "name": [
        "consumer_name",
        "name",
        "consumer",
        "consumer's name",
        "name of consumer",
        "customer name",
        "customer",
        "उपभोक्ता का नाम",
        "उपभोक्ता नाम",
        "नाम",
    ],
    "division": ["division", "div", "division name", "खंड", "खण्ड", "डिवीजन", "डिवीज़न", "डिविजन"],
    "mobile": [
        f"{prefix} {mobile} {suffix}"
        for prefix in _MOBILE_PREFIXES
        for mobile in _MOBILE_WORDS
        for suffix in _MOBILE_SUFFIXES
    ],
}
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u00a0 \t_-./()#:'’"), None)


def _header_key(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return "".join(text.casefold().translate(_INVISIBLE).split())


def _alias_to_field() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            key = _header_key(alias)
            # Two fields sharing an alias would make a column's meaning depend on dict order.
            assert mapping.setdefault(key, name) == name, f"header alias {alias!r} is both {mapping[key]} and {name}"
    return mapping


_ALIAS_TO_FIELD = _alias_to_field()

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
    # How the file was read, for the preview: a CSV's encoding (a Python codec name) and delimiter,
    # an XLSX's sheet; the header's row as Excel numbers it.
    encoding: str = ""
    delimiter: str = ""
    sheet_name: str = ""
    header_row: int = 1
    # What staff should know about how the file was read (code -> count or names), filled while the
    # rows are read: hidden rows, a hidden first sheet passed over.
    notes: dict[str, object] = field(default_factory=dict)


# The header is looked for in the first rows that are not blank: title rows ("KESCO mapping,
# Division X", a date) often sit above it. Any further down and a data row could be taken for it.
HEADER_SEARCH_ROWS = 20
_FOUND_CELLS = 12
_FOUND_CELL_CHARS = 40


@dataclass(frozen=True)
class _Header:
    record_number: int  # its row as Excel numbers it (the lower row of a header on two rows)
    positions: dict[str, int]


def _header_positions(cells: list[object]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, and the fields named more than once."""
    positions: dict[str, int] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(_header_key(cell))
        if name is None:
            continue  # extra columns (meter number, address...) are ignored
        if name in positions:
            duplicates.append(name)
        positions[name] = index
    return positions, duplicates


def _cell_text(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _header_of_two_rows(upper: list[object], lower: list[object]) -> list[str]:
    """Column names of a header split over two rows: a merged cell ("Account number") above its parts.

    A merged cell's text sits in its first column only (the others read as blank), so the upper
    row is carried to the right across blanks. Each column then takes the first of: the lower
    cell, both in either order, or (where the lower cell is blank) the upper one, that is a name.
    """
    carried: list[str] = []
    for cell in upper:
        carried.append(_cell_text(cell) or (carried[-1] if carried else ""))
    names = []
    for index in range(max(len(carried), len(lower))):
        above = carried[index] if index < len(carried) else ""
        below = _cell_text(lower[index]) if index < len(lower) else ""
        candidates = [below, f"{above} {below}", f"{below} {above}"] if below else [above]
        names.append(next((name for name in candidates if _header_key(name) in _ALIAS_TO_FIELD), below))
    return names


def _looks_like_data(cells: list[object]) -> bool:
    # Four digits or more in a cell: an account number, a mobile, a date. Never shown as "found".
    return any(isinstance(cell, int | float) or sum(ch.isdigit() for ch in _cell_text(cell)) >= 4 for cell in cells)


def _shown(cells: list[object]) -> list[str]:
    """The cells of a header row as staff should see them in the refusal: cut short, no data."""
    texts = [_cell_text(cell)[:_FOUND_CELL_CHARS] for cell in cells]
    return [text for text in texts if text][:_FOUND_CELLS]


def _find_header(records: Iterator[tuple[int, list[object]]]) -> _Header:
    """The header among the first HEADER_SEARCH_ROWS non-blank records, as (row number, cells).

    Stops reading right after the header, so the caller's iterator goes on with the first data row.
    A refusal names the columns found in the row that looked most like a header, and that row.
    """
    previous: tuple[int, list[object]] | None = None
    best: tuple[tuple[int, int, int], int, list[object]] | None = None
    for number, cells in itertools.islice(records, HEADER_SEARCH_ROWS):
        attempts = [cells]
        if previous is not None and previous[0] == number - 1:
            attempts.append(_header_of_two_rows(previous[1], cells))
        for names in attempts:
            positions, duplicates = _header_positions(names)
            if all(name in positions for name in REQUIRED):
                if duplicates:
                    raise FileRefused("duplicate_columns", columns=duplicates, row=number, found=_shown(names))
                return _Header(record_number=number, positions=positions)
        data = _looks_like_data(cells)
        score = (len(_header_positions(cells)[0]), 0 if data else 1, len(_shown(cells)))
        if best is None or score > best[0]:
            best = (score, number, cells)
        previous = (number, cells)
    if best is None:
        raise FileRefused("no_header")
    _score, number, cells = best
    positions, _duplicates = _header_positions(cells)
    missing = [name for name in REQUIRED if name not in positions]
    if _looks_like_data(cells):
        raise FileRefused("missing_columns", columns=missing, found=[], searched=HEADER_SEARCH_ROWS)
    raise FileRefused("missing_columns", columns=missing, row=number, found=_shown(cells))


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


def _looks_like_utf16(chunk: bytes) -> bool:
    """UTF-16 text without a byte-order mark: a NUL byte in every other position (ASCII's high byte)."""
    sample = chunk[:4096]
    return len(sample) >= 8 and any(sample[parity::2].count(0) >= len(sample) // 2 * 0.8 for parity in (0, 1))


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
            _decode_all(path, "utf-16")
            return "utf-16"
        handle.seek(0)
        # Prove the whole file is UTF-8 before trusting it; only then fall back to Windows-1252,
        # which Excel writes on Windows machines set to English.
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK_BYTES):
                if b"\x00" in chunk:
                    if _looks_like_utf16(chunk):
                        raise FileRefused("encoding")  # UTF-16 without its BOM: not a NUL in a cell
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
    _decode_all(path, "cp1252")
    return "cp1252"


def _decode_all(path: Path, encoding: str) -> None:
    """Read the whole file as ``encoding``: refused if it does not decode or holds a NUL character."""
    try:
        with path.open("r", encoding=encoding, newline="") as text:
            while chunk := text.read(_CHUNK_BYTES):
                if "\x00" in chunk:
                    raise _nul_character(path, encoding)
    except UnicodeDecodeError:
        raise FileRefused("encoding") from None


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

    # Excel's hint line "sep=;" (written by some exports so that Excel splits on it): Excel takes the
    # delimiter from it and does not show the line, so the header after it is row 1.
    sep_line = _SEP_LINE.match(sample)
    if sep_line:
        candidates = [sep_line.group(1)]
        sample = sample[sep_line.end() :]
    else:
        candidates = _header_delimiter(sample)
    layout: _CsvLayout | None = None
    header: _Header | None = None
    first_refusal: FileRefused | None = None
    for candidate in candidates:
        layout = _CsvLayout(path=path, encoding=encoding, delimiter=candidate, skip_lines=1 if sep_line else 0)
        try:
            header = _find_header(_sample_records(sample, layout))
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
    counting = _CountingReader(raw, on_nul=(lambda: _nul_character(path, encoding)) if check_nul else None)
    text = io.TextIOWrapper(io.BufferedReader(counting, buffer_size=256 * 1024), encoding=encoding, newline="")
    size = max(path.stat().st_size, 1)

    pick = _picker(header.positions)

    def rows() -> Iterator[RawRow]:
        for _ in range(layout.skip_lines):
            text.readline()
        reader = csv.reader(text, delimiter=delimiter)
        record_number = header.record_number
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


_SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?(?:\1)*[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)


@dataclass(frozen=True)
class _CsvLayout:
    path: Path
    encoding: str
    delimiter: str
    skip_lines: int  # a "sep=" line before the first row


def _sample_records(sample: str, layout: _CsvLayout) -> Iterator[tuple[int, list[object]]]:
    """The non-blank records at the start of the file, numbered as Excel numbers rows."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=layout.delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not _is_blank(list(cells)):
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


def _refuse_rows_inside_a_cell(cells: list[str], layout: _CsvLayout, record_number: int) -> None:
    """Refuse the file when a quote opened in this record swallowed the rows after it.

    The whole file, not the row: the swallowed rows are not rows any more, so refusing only this one
    would drop their mappings without a trace in the preview or the report.
    """
    if any(("\n" in cell or "\r" in cell) and _looks_like_rows(cell, layout.delimiter) for cell in cells):
        raise _unclosed_quote(layout, record_number)


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
    # The first sheet staff can see: a hidden one (old data, lookup lists) is never what they meant.
    # Excel always keeps at least one sheet visible; the first sheet is the fallback all the same.
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    sheet = visible[0] if visible else workbook.worksheets[0]
    notes: dict[str, object] = {}
    passed_over = [other.title for other in workbook.worksheets[: workbook.worksheets.index(sheet)]]
    if passed_over:
        notes["hidden_sheets_passed_over"] = passed_over
    total_rows = sheet.max_row or 0
    numbered = _sheet_rows(workbook, sheet)
    non_blank = ((number, cells) for number, cells, _hidden in numbered if not _is_blank(cells))
    try:
        header = _find_header(non_blank)
    except FileRefused as refusal:
        workbook.close()
        refusal.details["sheet"] = sheet.title
        raise
    progress = {"row": header.record_number}
    pick = _picker(header.positions)

    def rows() -> Iterator[RawRow]:
        # The same iterator the header search stopped in: it goes on with the row after the header.
        hidden_rows = 0
        for record_number, cells, hidden in numbered:
            progress["row"] = record_number
            if _is_blank(cells):
                continue
            if hidden:
                # Read like any other (they are in the file, and skipping them would drop mappings
                # silently), but counted: a filter left on in Excel hides what is being imported.
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


def _sheet_rows(workbook: openpyxl.Workbook, sheet) -> Iterator[tuple[int, list[object], bool]]:  # type: ignore[no-untyped-def]
    """(row number, cell values, hidden) for each row of a read-only sheet; a sheet the parser cannot
    read to the end is refused."""
    return openpyxl_adapter.sheet_rows(
        workbook, sheet, on_unreadable_row=lambda row: FileRefused("damaged_workbook", row=row, sheet=sheet.title)
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
