"""Workbooks small when zipped and huge unzipped, written as streams: for the bomb bench and the tests.

Each is a minimal real workbook (openpyxl opens it) whose sheet or shared strings are written a
megabyte at a time, so building a 6 GB cell never holds more than a megabyte.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + _MAIN + b'"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>old_account_number</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>new_account_number</t></is></c></row>'
)
_SHEET_END = b"</sheetData></worksheet>"
_MB = 1024 * 1024


def _skeleton(*, shared_strings: bool, date1904: bool) -> dict[str, str]:
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    relations = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if shared_strings:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
        relations.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}.{what}+xml"/>' for name, what in overrides)
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN.decode()}" xmlns:r="{_REL}">'
            + '<workbookPr date1904="1"/>' * date1904
            + '<sheets><sheet name="Mapping" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
            + "".join(
                f'<Relationship Id="{rid}" Type="{_REL}/{what}" Target="{target}"/>' for rid, what, target in relations
            )
            + "</Relationships>"
        ),
    }


def write_workbook(path: Path, parts: dict[str, Iterable[bytes]], *, date1904: bool = False) -> Path:
    """A minimal workbook of one sheet with ``parts`` (its sheet, its shared strings) streamed in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for name, text in _skeleton(shared_strings=STRINGS in parts, date1904=date1904).items():
            bomb.writestr(name, text)
        for name, chunks in parts.items():
            with bomb.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def huge_cell(path: Path, *, megabytes: int) -> Path:
    """One cell of ``megabytes`` MB of the same letter, on row 2: about 1 KB zipped per MB."""

    def sheet() -> Iterable[bytes]:
        yield _SHEET_START + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * _MB
        for _ in range(megabytes):
            yield block
        yield b"</t></is></c></row>" + _SHEET_END

    return write_workbook(path, {SHEET: sheet()})


def many_strings(path: Path, *, count: int) -> Path:
    """A shared strings table of ``count`` times the same short string, and a sheet using two of them."""

    def strings() -> Iterable[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="' + _MAIN + b'" count="%d" uniqueCount="%d">' % (count, count)
        )
        batch = b"<si><t>x</t></si>" * 10_000
        for _ in range(count // 10_000):
            yield batch
        yield b"<si><t>x</t></si>" * (count % 10_000) + b"</sst>"

    sheet = _SHEET_START + b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>' + _SHEET_END
    return write_workbook(path, {SHEET: [sheet], STRINGS: strings()})


def far_columns(path: Path, *, rows: int) -> Path:
    """``rows`` data rows, each with its numbers in A and B and a value in column XFD (16,384)."""

    def sheet() -> Iterable[bytes]:
        yield _SHEET_START
        for start in range(2, rows + 2, 1000):
            yield b"".join(
                b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%08d</t></is></c>'
                b'<c r="B%d" t="inlineStr"><is><t>40%08d</t></is></c>'
                b'<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n, n, n, n, n)
                for n in range(start, min(start + 1000, rows + 2))
            )
        yield _SHEET_END

    return write_workbook(path, {SHEET: sheet()})


# The three bombs of the issue, and each ten times bigger: (name, builder, size).
BOMBS = [
    ("one 600 MB cell", huge_cell, {"megabytes": 600}),
    ("one 6 GB cell", huge_cell, {"megabytes": 6000}),
    ("2 million shared strings", many_strings, {"count": 2_000_000}),
    ("20 million shared strings", many_strings, {"count": 20_000_000}),
    ("20,000 rows with cells in column XFD", far_columns, {"rows": 20_000}),
    ("200,000 rows with cells in column XFD", far_columns, {"rows": 200_000}),
]
