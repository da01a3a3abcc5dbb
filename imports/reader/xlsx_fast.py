"""The fast worksheet reader: rows matched with regular expressions over the unpacked XML, as written.

Excel, LibreOffice and openpyxl write a sheet's rows in one plain layout (``<row r="2"><c r="A2"
t="s"><v>7</v></c>...</row>``). Checking that layout in C over all the rows a chunk holds, then
picking out their parts with one more expression, is 3 to 5 times faster than building elements
(lxml) and 8 times faster than openpyxl. Texts may hold references
(``&amp;``, ``&#2352;``: openpyxl writes every non-ASCII character so), decoded as lxml would
(xlsx_escapes.py). A row that holds anything else (rich text, a formula, a comment, attributes in
another order) is parsed on its own by lxml; a sheet whose root is not laid out so (namespace
prefixes) is left to xlsx_sheet.py.
Every value follows the same rules (xlsx_cells.py); parity with openpyxl: test_xlsx_parity.py.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator

from imports.reader.mapping_file import FileRefused
from imports.reader.memory import memory_check
from imports.reader.xlsx_cells import COLUMN_NUMBERS, EXCEL_COLUMNS, BrokenCell, Cells, SheetRow, row_number
from imports.reader.xlsx_escapes import TEXT, Unescaper
from imports.reader.xlsx_xml import BrokenXml, parse_row
from imports.reader.xlsx_zip import READ_CHUNK_BYTES, DamagedMember, WorkbookZip, too_large

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PREFIX_CHARS = 1024 * 1024  # what comes before the rows (views, column widths) is never longer
_DECLARATION = re.compile(r"\ufeff?\s*(?:<\?xml\s[^>]*?\?>)?\s*", re.S)
_ROOT = re.compile(r"<worksheet(\s[^>]*)?>")
_SST = re.compile(r"<sst(\s[^>]*)?>")
_SST_END = re.compile(r"\s*</sst>\s*")
_PLAIN_STRING = re.compile(r'<si><t(?: xml:space="preserve")?>(' + TEXT + r")</t></si>")
_PLAIN_STRINGS = re.compile(r'(?:<si><t(?: xml:space="preserve")?>' + TEXT + r"</t></si>)*")
_ENCODING = re.compile(r"""encoding=["']([^"']+)""")
_NAMESPACE = re.compile(r'\sxmlns(?::[\w.-]+)?="[^"]*"')
_SHEET_DATA = re.compile(r"<sheetData\s*(/?)>")
_ROW = re.compile(r"\s*<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
# Possessive (++, ?+, *+) where nothing that follows can start inside: about 25% faster. Not the
# rows' own repetition, which gives back a row cut off at the chunk's end.
_CELL_LAYOUT = (
    r'<c r="[A-Z]{1,3}+\d++"(?: s="\d++")?+(?: t="\w++")?+'
    r"(?: ?/>|>(?:<v>" + TEXT + r'</v>|<is><t(?: xml:space="preserve")?+>' + TEXT + r"</t></is>)?+</c>)"
)
# Rows of nothing but such cells, one after the other: checked in one pass, in C, a chunk at a time.
_PLAIN_ROWS = re.compile(r"(?:\s*+<row\b[^<>]*?(?:/>|>(?:" + _CELL_LAYOUT + r")*+</row>))*")
# Then, in rows so checked, what to read: each row's attributes, and each cell's parts.
_PLAIN_TOKEN = re.compile(
    r'<row\b([^<>]*?)/?>|<c r="([A-Z]{1,3}+)\d++"(?: s="(\d++)")?+(?: t="(\w++)")?+[^<>]*+>'
    r"(?:<v>([^<]*+)|(<is>)<t[^<>]*+>([^<]*+))?+"
)
_ROW_NUMBER = re.compile(r'(?:^|\s)r="([^"]*)"')
_HIDDEN = re.compile(r'(?:^|\s)hidden="(?:1|true)"')
_SKIPPED = re.compile(r"\s*(?:<!--.*?-->|<\?.*?\?>)", re.S)
_END = re.compile(r"\s*</sheetData>")


def fast_declarations(workbook: WorkbookZip, part: str) -> str | None:
    """The namespace declarations of the sheet's root if the fast reader can read it, else None."""
    try:
        with workbook.open(part) as stream:
            head = stream.read(64 * 1024).decode("utf-8", errors="replace")
    except DamagedMember:
        return None  # the lxml reader finds the same damage, and names the row
    return _plain_root(head, _ROOT)


def _plain_root(head: str, root_pattern: re.Pattern[str]) -> str | None:
    """The root's namespace declarations, if the part is UTF-8 and its root is unprefixed in the main namespace."""
    declaration = _DECLARATION.match(head)
    assert declaration is not None  # every part of it is optional
    encoding = _ENCODING.search(declaration.group(0))
    if encoding and encoding.group(1).lower() not in {"utf-8", "utf8"}:
        return None
    root = root_pattern.match(head, declaration.end())
    if root is None:
        return None  # a DOCTYPE, a comment, a prefix: the lxml reader decides
    declarations = "".join(_NAMESPACE.findall(root.group(1) or ""))
    return declarations if f' xmlns="{_MAIN}"' in declarations else None


def fast_string_table(workbook: WorkbookZip, name: str, *, maximum: int, max_chars: int) -> list[str] | None:
    """The shared strings, if every one is a plain text (as Excel writes them); else None, for lxml to read.

    Matched a chunk at a time in C (one match over the chunk, one findall), never string by string.
    """
    try:
        return _string_table(workbook, name, maximum=maximum, max_chars=max_chars)
    except (UnicodeDecodeError, DamagedMember, BrokenXml) as error:
        raise FileRefused("not_a_workbook") from error


def _string_table(workbook: WorkbookZip, name: str, *, maximum: int, max_chars: int) -> list[str] | None:
    strings: list[str] = []
    unescaped = Unescaper()
    with workbook.open(name) as stream:
        decoder = codecs.getincrementaldecoder("utf-8")()
        buffer = decoder.decode(stream.read(READ_CHUNK_BYTES))
        if _plain_root(buffer, _SST) is None:
            return None
        position = _SST.match(buffer, _DECLARATION.match(buffer).end()).end()  # type: ignore[union-attr]
        while True:
            end = buffer.rfind("</si>") + len("</si>")
            if end > position:
                run = _PLAIN_STRINGS.match(buffer, position, end)
                if run is None or run.end() != end:
                    return None  # rich text, phonetic guides, entities: lxml reads it all again
                found = _PLAIN_STRING.findall(buffer, position, end)
                if len(strings) + len(found) > maximum:
                    raise too_large("shared_strings", maximum=maximum)
                if "&" in buffer[position:end]:
                    found = [unescaped(text) if "&" in text else text for text in found]
                if max(map(len, found)) > max_chars:
                    raise too_large("string_length", maximum=max_chars)
                if "x005F_" in buffer[position:end]:
                    found = [text.replace("x005F_", "") for text in found]
                strings.extend(found)
                position = end
                memory_check()
            chunk = stream.read(READ_CHUNK_BYTES)
            if not chunk:
                return strings if _SST_END.fullmatch(buffer, position) else None
            buffer = buffer[position:] + decoder.decode(chunk)
            position = 0
            if len(buffer) > 4 * max_chars + 1024 * 1024:
                raise too_large("string_length", maximum=max_chars)


def sheet_rows_fast(
    workbook: WorkbookZip,
    part: str,
    *,
    declarations: str,
    cells: Cells,
    on_unreadable_row: Callable[[int], Exception],
    progress: dict[str, int],
) -> Iterator[SheetRow]:
    """As xlsx_sheet.sheet_rows_lxml, for a sheet fast_declarations accepted."""
    stall = 4 * cells.max_chars + 1024 * 1024
    unescaped = Unescaper()
    last = 0  # the last row handed over
    with workbook.open(part) as counted:
        decoder = codecs.getincrementaldecoder("utf-8")()
        buffer = ""
        position = 0
        in_rows = False
        try:
            while True:
                chunk = counted.read(READ_CHUNK_BYTES)
                buffer = buffer[position:] + decoder.decode(chunk, final=not chunk)
                position = 0
                progress["bytes"] = counted.bytes_read
                if not in_rows:
                    start = _SHEET_DATA.search(buffer)
                    if start is None:
                        if not chunk:
                            raise BrokenXml
                        if len(buffer) > _PREFIX_CHARS:
                            raise too_large("cell_length", row=1, maximum=cells.max_chars)
                        continue
                    if start.group(1):
                        return  # <sheetData/>: no rows at all
                    in_rows, position = True, start.end()
                while True:
                    run_end = _PLAIN_ROWS.match(buffer, position).end()  # type: ignore[union-attr]
                    if run_end > position:
                        tokens = _PLAIN_TOKEN.findall(buffer, position, run_end)
                        # Whether to look for references (&amp;, &#2352;) in each text, and measure each.
                        escaped = buffer.find("&", position, run_end) >= 0
                        long_values = run_end - position > cells.max_chars
                        for row in _plain_rows(tokens, last, cells, unescaped if escaped else None, long_values):
                            last = row[0]
                            yield row
                        position = run_end
                    match = _ROW.match(buffer, position)
                    if match is None:
                        skipped = _SKIPPED.match(buffer, position)
                        if skipped is None:
                            break
                        position = skipped.end()
                        continue
                    position = match.end()
                    row = _other_row(match, last, cells, declarations)
                    last = row[0]
                    yield row
                if _END.match(buffer, position):
                    return  # what follows (merged cells, page setup...) holds no rows
                if not chunk:
                    raise BrokenXml  # cut short, or something that is neither a row nor the end
                if len(buffer) - position > stall:
                    raise too_large("cell_length", row=last + 1, maximum=cells.max_chars)
        except (BrokenXml, BrokenCell, DamagedMember, UnicodeDecodeError, ValueError, LookupError, TypeError) as error:
            raise on_unreadable_row(last + 1) from error


def _other_row(match: re.Match[str], last: int, cells: Cells, declarations: str) -> SheetRow:
    """A row _PLAIN_ROWS did not take (rich text, a formula, a comment...), matched by _ROW: lxml reads it."""
    attributes, inner = match.group(1), match.group(2)
    if not inner:
        number = _ROW_NUMBER.search(attributes)
        current = row_number(number.group(1)) if number else last + 1
        return current, [], "hidden" in attributes and _HIDDEN.search(attributes) is not None
    return cells.row_from_element(parse_row(match.group(0).strip(), declarations), last)


def _plain_rows(
    tokens: list[tuple[str, ...]], last: int, cells: Cells, unescaped: Unescaper | None, long_values: bool
) -> Iterator[SheetRow]:
    """The rows of a run _PLAIN_ROWS took, from its _PLAIN_TOKEN matches: this loop runs for every cell."""
    strings = cells.strings
    max_column = cells.max_column
    max_chars = cells.max_chars
    values: list[object] = []
    begun = False  # a run always begins with a row's token
    current = last
    hidden = False
    size = 0  # len(values), kept by hand
    first = 0  # the index of the row's own token
    for index, (attributes, letters, style, cell_type, text, inline_start, inline) in enumerate(tokens):
        if not letters:  # a row begins (and the one before it is over)
            if begun:
                yield current, values, hidden
            number = _ROW_NUMBER.search(attributes)
            current = row_number(number.group(1)) if number else current + 1
            hidden = "hidden" in attributes and _HIDDEN.search(attributes) is not None
            values, size, first, begun = [], 0, index, True
            continue
        # findall gives "" for what a cell lacks: an inline string says so by its <is>.
        if inline_start:
            if cell_type != "inlineStr":
                continue
            value: object = unescaped(inline) if unescaped is not None and "&" in inline else inline
        elif not text:
            continue
        elif unescaped is not None and "&" in text:
            value = cells.value(cell_type or "n", style or None, unescaped(text))
        elif cell_type == "s":
            value = strings[int(text)]  # measured when the strings were read
        else:
            value = cells.value(cell_type or "n", style or None, text)
        column = COLUMN_NUMBERS[letters]
        if column > max_column or index - first > EXCEL_COLUMNS:
            raise too_large("columns", row=current, column=cells.too_far)
        # No value is longer than the XML it came from: only in a run that long are values measured.
        if long_values and value.__class__ is str and len(value) > max_chars:  # type: ignore[arg-type]
            raise too_large("cell_length", row=current, maximum=max_chars)
        if column > size:
            if column > size + 1:
                values.extend([None] * (column - size - 1))
            values.append(value)
            size = column
        else:
            values[column - 1] = value
    if begun:
        yield current, values, hidden
