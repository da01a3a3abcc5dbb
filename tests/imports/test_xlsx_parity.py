"""The XLSX reader reads every workbook as openpyxl did: row numbers, values, types, hidden flags.

Workbooks made here (by openpyxl, and by hand where openpyxl never writes that XML) are read through
the old path (openpyxl and its adapter) and through both new ones (the fast reader and lxml), and the
rows compared.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from bench.xlsx_bombs import SHEET, STRINGS, write_workbook
from imports.reader import openpyxl_adapter
from imports.reader.mapping_file import FileRefused
from imports.reader.xlsx_cells import Cells, SheetLimits
from imports.reader.xlsx_escapes import Unescaper
from imports.reader.xlsx_fast import fast_declarations, fast_string_table, sheet_rows_fast
from imports.reader.xlsx_parts import date_styles, shared_strings, workbook_layout
from imports.reader.xlsx_sheet import sheet_rows_lxml
from imports.reader.xlsx_zip import WorkbookZip, ZipLimits

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _trimmed(rows: list) -> list:
    # The adapter sizes a row by its last cell, empty or not; the new reader by its last value.
    trimmed = []
    for number, values, hidden in rows:
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        trimmed.append((number, values, hidden))
    return trimmed


def _old_rows(path: Path) -> list:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = next(sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible")
    try:
        return _trimmed(list(openpyxl_adapter.sheet_rows(workbook, sheet, on_unreadable_row=ValueError)))
    finally:
        workbook.close()


def _new_rows(path: Path, *, reader: str, max_chars: int = 10**5) -> list:
    workbook = WorkbookZip(path, ZipLimits.from_settings())
    try:
        layout = workbook_layout(workbook)
        sheet = next(sheet for sheet in layout.sheets if sheet.visible)
        limits = {"maximum": 10**6, "max_chars": 10**5}
        strings = []
        if layout.shared_strings:
            fast = fast_string_table(workbook, layout.shared_strings, **limits) if reader == "fast" else None
            strings = fast if fast is not None else shared_strings(workbook, layout.shared_strings, **limits)
        cells = Cells(strings, date_styles(workbook, layout.styles), layout.date1904, SheetLimits(100, max_chars))
        common = {"cells": cells, "on_unreadable_row": ValueError, "progress": {}}
        if reader == "fast":
            declarations = fast_declarations(workbook, sheet.part)
            assert declarations is not None, "the fast reader should take this sheet"
            rows = sheet_rows_fast(workbook, sheet.part, declarations=declarations, **common)
        else:
            rows = sheet_rows_lxml(workbook, sheet.part, **common)
        return _trimmed(list(rows))
    finally:
        workbook.close()


def _saved(workbook: openpyxl.Workbook, tmp_path: Path) -> Path:
    path = tmp_path / "made.xlsx"
    workbook.save(path)
    return path


def _every_kind_of_cell(write_only: bool) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Data") if write_only else workbook.active
    rows = [
        ["Title row: KESCO mapping, Division X"],
        [],
        ["old_account_number", "new_account_number", "consumer_name", "division", "mobile", "when"],
        ["00012345", "2640000001", "राम प्रसाद", "North", "+91 98765 43210", datetime.date(2024, 1, 31)],
        [
            12345679,
            2640000002,
            "  spaces kept  ",
            "Smith & Sons <Ltd>",
            9876543211,
            datetime.datetime(2024, 2, 1, 9, 30),
        ],
        [12345678.0, 2.64e9, True, False, None, datetime.time(10, 15)],
        [None, None, None, "only division"],
        ["=A4&B4", 0.1 + 0.2, -5, "2.64E+09", "x" * 300, datetime.timedelta(days=1, hours=2)],
    ]
    for row in rows:
        sheet.append(row)
    if not write_only:
        sheet.row_dimensions[5].hidden = True
        sheet.merge_cells("A1:F1")
        sheet["F4"].number_format = "dd/mm/yyyy"
        sheet["B6"].number_format = "0.00%"
    return workbook


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
@pytest.mark.parametrize("reader", ["fast", "lxml"])
def test_it_reads_every_kind_of_cell_openpyxl_writes_as_openpyxl_reads_it(
    tmp_path: Path, write_only: bool, reader: str
) -> None:
    path = _saved(_every_kind_of_cell(write_only), tmp_path)

    old = _old_rows(path)

    assert old[-1][0] == 8 and any(hidden for _n, _v, hidden in old) != write_only
    assert _new_rows(path, reader=reader) == old


def _handmade(tmp_path: Path, sheet: bytes, strings: bytes | None = None, *, date1904: bool = False) -> Path:
    parts = {SHEET: [sheet]}
    if strings is not None:
        parts[STRINGS] = [strings]
    return write_workbook(tmp_path / "handmade.xlsx", parts, date1904=date1904)


_STRINGS_OF_EVERY_SHAPE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="' + MAIN + b'" count="6" uniqueCount="6">'
    b"<si><t>old_account_number</t></si><si><t>new_account_number</t></si>"
    b'<si><t xml:space="preserve"> 00012345 </t></si>'
    b'<si><r><rPr><b/></rPr><t>Ram</t></r><r><t xml:space="preserve"> Prasad</t></r></si>'
    b'<si><t>\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae</t><rPh sb="0" eb="1"><t>phonetic</t></rPh></si>'
    b"<si><t>A &amp; B _x005F_x000D_</t></si>"
    b"</sst>"
)
_SHEET_OF_EVERY_SHAPE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + MAIN + b'" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    b'<dimension ref="A1:F9"/><cols><col min="1" max="2" width="12" customWidth="1"/></cols><sheetData>'
    b'<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    b'<row r="2" hidden="1"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>2640000001</v></c><c r="C2" t="s"><v>3</v></c>'
    b'<c r="D2" t="s"><v>4</v></c></row>'
    b'<row r="3"><c r="A3" t="s"><v>5</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c>'
    b'<c r="D3" t="str"><f>A1</f><v>formula text</v></c><c r="E3" t="d"><v>2024-01-31T00:00:00</v></c></row>'
    b'<row r="5"><c t="inlineStr"><is><t>no reference</t></is></c><c><v>1.5E3</v></c><c r="F5" s="0"><v>7</v></c>'
    b'<c r="G5" t="inlineStr"><is><r><t>rich </t></r><r><t>inline</t></r></is></c></row>'
    b'<row><c r="A6" t="inlineStr"><is><t>row without a number</t></is></c><c r="B6" t="inlineStr"/>'
    b'<c r="C6" t="inlineStr"><is><t></t></is></c><c r="D6"><v></v></c></row>'
    b'<row r="7.0"><c r="A7"><v>12345678</v></c></row>'
    b'<row r="9" hidden="true"/>'
    b"<!-- a comment between rows -->"
    b'<row r="10"><c r="A10" t="inlineStr"><is><t>Smith &amp; Sons &#x930;</t></is></c></row>'
    b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
)


@pytest.mark.parametrize("reader", ["fast", "lxml"])
def test_it_reads_the_xml_other_writers_produce_as_openpyxl_reads_it(tmp_path: Path, reader: str) -> None:
    path = _handmade(tmp_path, _SHEET_OF_EVERY_SHAPE, _STRINGS_OF_EVERY_SHAPE)

    old = _old_rows(path)

    assert [number for number, _v, _h in old] == [1, 2, 3, 5, 6, 7, 9, 10]
    assert _new_rows(path, reader=reader) == old


def test_it_reads_a_sheet_whose_tags_carry_a_namespace_prefix_with_lxml_as_openpyxl_does(tmp_path: Path) -> None:
    prefixed = (
        b'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="' + MAIN + b'"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>old_account_number</x:t></x:is></x:c></x:row>'
        b'<x:row r="2" hidden="1"><x:c r="A2"><x:v>12345678</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    path = _handmade(tmp_path, prefixed)
    workbook = WorkbookZip(path, ZipLimits.from_settings())

    assert fast_declarations(workbook, "xl/worksheets/sheet1.xml") is None  # left to lxml
    workbook.close()
    assert (
        _new_rows(path, reader="lxml")
        == _old_rows(path)
        == [
            (1, ["old_account_number"], False),
            (2, [12345678], True),
        ]
    )


def test_it_reads_dates_of_a_workbook_counting_from_1904_as_openpyxl_does(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.MAC_EPOCH
    workbook.active.append(["old_account_number", "when"])
    workbook.active.append(["12345678", datetime.date(2024, 1, 31)])
    path = _saved(workbook, tmp_path)

    old = _old_rows(path)

    assert old[1][1][1] == datetime.datetime(2024, 1, 31)
    assert _new_rows(path, reader="fast") == _new_rows(path, reader="lxml") == old


def test_the_real_bench_workbook_reads_the_same_through_both_new_readers(tmp_path: Path) -> None:
    # Not openpyxl (76 s for 750,000 rows): a smaller workbook made the bench's way, rows compared.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Mapping")
    sheet.append(["old_account_number", "new_account_number", "consumer_name", "division", "mobile"])
    for number in range(3000):
        sheet.append(
            [f"{number:08d}", f"{4000000000 + number}", "सीता देवी", "Civil Lines", "" if number % 4 else "+91"]
        )
    path = _saved(workbook, tmp_path)

    assert _new_rows(path, reader="fast") == _new_rows(path, reader="lxml") == _old_rows(path)


_ESCAPED_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="' + MAIN + b'" count="4" uniqueCount="4">'
    b"<si><t>old_account_number</t></si><si><t>new_account_number</t></si>"
    b"<si><t>Smith &amp; Sons &lt;Ltd&gt; &quot;A&quot; &apos;B&apos;</t></si>"
    b'<si><t xml:space="preserve"> &#2352;&#x93e;&#x92E; &#x1F600;&#9;</t></si>'
    b"</sst>"
)
# Every cell in the plain layout: the fast reader reads these rows without lxml (the test makes sure).
_ESCAPED_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + MAIN + b'"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>00012345</t></is></c><c r="B2" s="0"><v>2640000001</v></c>'
    b'<c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>&#51;</v></c></row>'
    b'<row r="3"><c r="A3" t="inlineStr"><is><t>&#2352;&#2366;&#2350; &amp; &#x938;&#x940;&#x924;&#x93E;</t></is></c>'
    b'<c r="B3" t="inlineStr"><is><t xml:space="preserve">  &lt;kept&gt;  </t></is></c>'
    b'<c r="C3" t="str"><v>A &amp; B</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="b"><v>0</v></c>'
    b'<c r="F3" t="inlineStr"><is><t>a&#13;&#10;b</t></is></c></row>'
    b'<row r="4"><c r="A4"/><c r="B4" s="0"/><c r="C4" t="inlineStr"></c><c r="D4"></c>'
    b'<c r="E4" t="n"><v>1.5E3</v></c><c r="H4" t="d"><v>2024-01-31T09:30:00</v></c></row>'
    b'<row r="6" hidden="1"><c r="B6" t="inlineStr"><is><t></t></is></c><c r="D6"><v></v></c>'
    b'<c r="E6" t="inlineStr"><is><t>&amp;&amp;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def test_it_reads_references_and_empty_cells_in_the_fast_layout_without_lxml_as_openpyxl_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _handmade(tmp_path, _ESCAPED_SHEET, _ESCAPED_STRINGS)
    old = _old_rows(path)

    def no_lxml(*_args: object) -> None:
        raise AssertionError("a row in the plain layout was left to lxml")

    monkeypatch.setattr("imports.reader.xlsx_fast.parse_row", no_lxml)
    workbook = WorkbookZip(path, ZipLimits.from_settings())
    strings = fast_string_table(workbook, STRINGS, maximum=10, max_chars=100)
    workbook.close()

    assert strings is not None and strings[2:] == ["Smith & Sons <Ltd> \"A\" 'B'", " राम \U0001f600\t"]
    assert old[2][1][:2] == ["राम & सीता", "  <kept>  "] and old[2][1][5] == "a\r\nb"
    assert _new_rows(path, reader="fast") == _new_rows(path, reader="lxml") == old


_OTHER_LAYOUTS_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + MAIN + b'"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr><t>&amp; bold</t></r></is></c>'
    b'<c r="B2" t="inlineStr"><is><t>line one\r\nline two\rthree</t></is></c></row>'
    b'<row r="3"><c r="A3" t="inlineStr"><is><t><![CDATA[a < b & c]]></t></is></c>'
    b'<c r="B3" t="str"><f>A1&amp;"x"</f><v>x &amp; y</v></c><!-- a comment in a row --><c r="C3"><v/></c></row>'
    b'<row r="4"><c t="inlineStr" r="A4"><is><t>attributes in another order</t></is></c></row>'
    b"</sheetData></worksheet>"
)
_OTHER_LAYOUTS_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="' + MAIN + b'" count="3" uniqueCount="3">'
    b"<si><t>old_account_number</t></si><si><t>new_account_number</t></si>"
    b'<si><r><t xml:space="preserve">Ram </t></r><r><rPr><i/></rPr><t>&amp; Sita</t></r></si>'
    b"</sst>"
)


def test_it_leaves_rich_text_cdata_comments_and_carriage_returns_to_lxml_with_openpyxls_values(
    tmp_path: Path,
) -> None:
    path = _handmade(tmp_path, _OTHER_LAYOUTS_SHEET, _OTHER_LAYOUTS_STRINGS)
    workbook = WorkbookZip(path, ZipLimits.from_settings())
    strings = fast_string_table(workbook, STRINGS, maximum=10, max_chars=100)
    workbook.close()

    old = _old_rows(path)

    assert strings is None  # a rich text: the whole table is read again by lxml
    assert old[0][1][2] == "Ram & Sita" and old[1][1] == ["rich & bold", "line one\nline two\nthree"]
    assert _new_rows(path, reader="fast") == _new_rows(path, reader="lxml") == old


@pytest.mark.parametrize(
    "reference", [b"&#0;", b"&#x8;", b"&#X930;", b"&#xD800;", b"&#xFFFE;", b"&#x110000;", b"&nbsp;"]
)
@pytest.mark.parametrize("reader", ["fast", "lxml"])
def test_it_refuses_a_reference_xml_forbids_as_a_damaged_row_in_both_readers(
    tmp_path: Path, reference: bytes, reader: str
) -> None:
    sheet = _ESCAPED_SHEET.replace(b"&#2352;&#2366;", reference)
    path = _handmade(tmp_path, sheet, _ESCAPED_STRINGS)

    with pytest.raises(ValueError) as refused:
        _new_rows(path, reader=reader)

    # on_unreadable_row with the first row not handed over; lxml, reading 64 KB at a time, may stop sooner.
    assert refused.value.args == (3,) or reader == "lxml"


@pytest.mark.parametrize("reference", [b"&#0;", b"&#xFFFF;", b"&#99999999999999999999;"])
def test_it_refuses_a_shared_string_holding_a_reference_xml_forbids_as_lxml_does(
    tmp_path: Path, reference: bytes
) -> None:
    path = _handmade(tmp_path, _ESCAPED_SHEET, _ESCAPED_STRINGS.replace(b"&#9;", reference))
    workbook = WorkbookZip(path, ZipLimits.from_settings())
    try:
        for read in (fast_string_table, shared_strings):
            with pytest.raises(FileRefused) as refused:
                read(workbook, STRINGS, maximum=10, max_chars=100)
            assert refused.value.code == "not_a_workbook"
    finally:
        workbook.close()


def test_it_remembers_only_so_many_decoded_texts_whatever_the_file() -> None:
    unescaped = Unescaper()

    texts = [unescaped(f"&#2352;{number}") for number in range(10_000)]
    long = unescaped("&amp;" * 1000)

    assert texts[9999] == "र9999" and long == "&" * 1000
    assert len(unescaped._known) <= 4096 and "&amp;" * 1000 not in unescaped._known


def _one_text(text: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN + b'"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>old_account_number</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row></sheetData></worksheet>"
    )


@pytest.mark.parametrize("reader", ["fast", "lxml"])
def test_it_measures_a_text_by_its_characters_not_by_its_references(tmp_path: Path, reader: str) -> None:
    (tmp_path / "short").mkdir()
    short = _handmade(tmp_path / "short", _one_text(b"&amp;" * 999))  # 4,995 characters of XML
    long = _handmade(tmp_path, _one_text(b"&#2352;" * 1001))

    assert _new_rows(short, reader=reader, max_chars=1000)[1] == (2, ["&" * 999], False)
    with pytest.raises(FileRefused) as refused:
        _new_rows(long, reader=reader, max_chars=1000)
    assert refused.value.details == {"limit": "cell_length", "row": 2, "maximum": 1000}
