"""What comes in: encodings, delimiters, line endings, XLSX, header aliases and files refused whole."""

from __future__ import annotations

import codecs
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from accounts.models import AccountMapping
from imports.models import ImportBatch, ImportRow
from imports.reasons import file_error_details, file_error_message
from tests.imports.helpers import HEADER, batch_validated, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

TAB_HEADER = "old_account_number\tnew_account_number\tconsumer_name\tdivision\tmobile"
ROWS = ["12345678,2640000001,Ram Prasad,North,9876543210", "12345679,2640000002,सीता देवी,South,"]


def _staged(batch: ImportBatch) -> list[tuple]:
    return list(
        ImportRow.objects.filter(batch_id=batch.pk)
        .order_by("row_number")
        .values_list("row_number", "old_account_number", "new_account_number", "consumer_name", "reason")
    )


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8", csv_bytes(*ROWS)),
        ("utf-8 with BOM", codecs.BOM_UTF8 + csv_bytes(*ROWS)),
        (
            "utf-16 with BOM, tabs",
            csv_bytes(*(r.replace(",", "\t") for r in ROWS), header=TAB_HEADER, encoding="utf-16"),
        ),
        (
            "semicolons, CRLF",
            csv_bytes(
                *(r.replace(",", ";") for r in ROWS),
                header="old account no;new account no;name;division;mobile no",
                newline="\r\n",
            ),
        ),
    ],
)
def test_it_reads_every_encoding_and_delimiter_excel_writes(label: str, data: bytes) -> None:
    batch = batch_validated(data)

    assert batch.status == ImportBatch.Status.VALIDATED, (label, batch.failure_code)
    assert _staged(batch) == [
        (2, "12345678", "2640000001", "Ram Prasad", ""),
        (3, "12345679", "2640000002", "सीता देवी", ""),
    ]


def test_it_reads_windows_1252_as_a_last_resort() -> None:
    data = csv_bytes("12345678,2640000001,José Müller,North,", encoding="cp1252")

    batch = batch_validated(data)

    assert batch.status == ImportBatch.Status.VALIDATED
    assert _staged(batch)[0][3] == "José Müller"


def test_it_reads_quoted_fields_with_commas_and_keeps_row_numbers_across_blank_lines() -> None:
    data = csv_bytes(
        '12345678,2640000001,"Prasad, Ram",North,', "", "  ", '12345679,2640000002,"Devi, ""Sita""",South,'
    )

    batch = batch_validated(data)

    assert _staged(batch) == [
        (2, "12345678", "2640000001", "Prasad, Ram", ""),
        (5, "12345679", "2640000002", 'Devi, "Sita"', ""),
    ]
    assert batch.rows_read == 2


def test_it_reads_the_first_sheet_of_an_xlsx() -> None:
    data = xlsx_bytes(
        [
            ["पुराना खाता संख्या", "नया खाता संख्या", "उपभोक्ता का नाम", "खंड", "मोबाइल"],
            ["12345678", "2640000001", "राम", "उत्तर", "+91 98765 43210"],
            [12345679, 2640000002, "Sita", "South", 9876543211],
            ["2.64E+09", "2640000003", "x", "y", None],
            [1234567, 2640000004, "leading zero lost", "y", None],
        ]
    )

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert _staged(batch) == [
        (2, "12345678", "2640000001", "राम", ""),
        (3, "12345679", "2640000002", "Sita", ""),
        (4, "", "", "x", "scientific_notation"),
        (5, "", "", "leading zero lost", "excel_number"),
    ]
    assert list(
        ImportRow.objects.filter(batch_id=batch.pk).order_by("row_number").values_list("mobile_last4", flat=True)
    )[:2] == ["3210", "3211"]


@pytest.mark.parametrize(
    "header",
    [
        "old_account_number,new_account_number",
        "Old Account No,New Account No",
        "OLD_ACCT_NO,new_acct_no",
        " old account number , NEW_ACCOUNT_NUMBER ",
        "पुराना खाता संख्या,नया खाता संख्या",
    ],
)
def test_it_matches_header_aliases_whatever_the_case_spaces_and_underscores(header: str) -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001", header=header))

    assert batch.status == ImportBatch.Status.VALIDATED
    assert _staged(batch) == [(2, "12345678", "2640000001", "", "")]


def test_it_refuses_a_file_without_the_new_number_column_before_reading_any_row() -> None:
    batch = batch_validated(csv_bytes("12345678,Ram", header="old_account_number,consumer_name"))

    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure_code == "missing_columns"
    assert file_error_details(batch.failure_detail)["columns"] == ["new"]
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert batch.rows_read == 0


def test_it_refuses_a_column_given_twice() -> None:
    batch = batch_validated(csv_bytes("1,2,3", header="old_account_number,new_account_number,new account no"))

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "duplicate_columns")


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("mapping.pdf", b"%PDF-1.4 whatever", "unsupported_type"),
        ("mapping.xlsx", csv_bytes("12345678,2640000001"), "not_a_workbook"),
        ("mapping.csv", xlsx_bytes([["old_account_number", "new_account_number"]]), "not_text"),
        ("mapping.csv", b"old_account_number,new_account_number\n\x00\x01\x02\x03", "nul_character"),
        ("mapping.csv", b"old_account_number,new_account_number\n12345678,\x81\x8d\x8f\n", "encoding"),
        ("mapping.csv", csv_bytes(), "no_rows"),
        ("mapping.csv", b"\n\n", "no_header"),
    ],
)
def test_it_refuses_a_file_that_is_not_what_its_name_says(name: str, data: bytes, code: str) -> None:
    batch = batch_validated(data, name=name)

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, code)
    assert batch.failed_stage == ImportBatch.Stage.VALIDATE
    assert not AccountMapping.objects.exists()


def _numbered_rows(count: int, *, start: int = 43000000) -> list[str]:
    return [f"{start + n},{start // 10 + 4260000000 + n},Name {n}" for n in range(count)]


def test_it_refuses_a_file_whose_unclosed_quote_swallows_the_rows_after_it() -> None:
    # The reviewer's stray_quote_pair.csv: row 7 opens a quote that row 11's "Lal" closes.
    rows = _numbered_rows(49)
    rows[5] = rows[5].replace("Name 5", '"Pappu Singh')
    rows[9] = rows[9].replace("Name 9", 'Ram "Lal"')
    batch = batch_validated(csv_bytes(*rows, header="old_account_number,new_account_number,consumer_name"))

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "malformed_csv")
    assert file_error_details(batch.failure_detail) == {"row": 7, "line": 7}
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert not AccountMapping.objects.exists()
    with translation.override("en"):
        message = file_error_message(batch.failure_code, batch.failure_detail)
    assert "never closed, near row 7 (line 7 of the file)" in message
    assert "run it again" not in message


def test_it_refuses_a_quote_that_nothing_closes_as_malformed_not_as_an_internal_error() -> None:
    # Past 131,072 characters the csv module gives up on the quoted cell: a csv.Error, every time.
    rows = _numbered_rows(3000)
    rows[2] = rows[2].replace("Name 2", '"Pappu Singh')
    batch = batch_validated(csv_bytes("", *rows, header="old_account_number,new_account_number,consumer_name"))

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == ("malformed_csv", {"row": 5, "line": 5})


def test_a_huge_cell_without_any_quote_is_refused_as_too_long_not_as_an_unclosed_quote() -> None:
    rows = _numbered_rows(3)
    rows[1] = rows[1].replace("Name 1", "x" * 200_000)
    batch = batch_validated(csv_bytes(*rows, header="old_account_number,new_account_number,consumer_name"))

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == ("cell_too_long", {"row": 3, "line": 3})
    with translation.override("en"):
        assert "more than 100,000 characters" in file_error_message(batch.failure_code, batch.failure_detail)


def test_it_refuses_a_quote_left_open_at_the_end_of_a_short_file() -> None:
    data = csv_bytes(
        '30000151,3100000151,"oops', "30000152,3100000152,B", header="old_account_number,new_account_number,name"
    )

    batch = batch_validated(data)

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == ("malformed_csv", {"row": 2, "line": 2})


def test_it_keeps_a_name_excel_wrote_on_two_lines_and_counts_rows_as_excel_does() -> None:
    data = csv_bytes(
        '12345678,2640000001,"Ram Prasad\nS/o Shyam Lal",North,',
        '12345679,2640000002,"Sita\r\nDevi","Civil Lines,\nKanpur",',
        "12345680,2640000003,Gita,South,",
    )

    batch = batch_validated(data)

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert [(row[0], row[3]) for row in _staged(batch)] == [
        (2, "Ram Prasad S/o Shyam Lal"),
        (3, "Sita Devi"),
        (4, "Gita"),
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [("mapping.csv", b""), ("mapping.xlsx", b""), ("mapping.txt", b""), ("mapping.csv", codecs.BOM_UTF8)],
)
def test_it_says_an_empty_file_is_empty(name: str, data: bytes) -> None:
    batch = batch_validated(data, name=name)

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "empty_file")


def test_it_names_the_real_extension_of_a_workbook_disguised_as_text() -> None:
    batch = batch_validated(xlsx_bytes([["old_account_number", "new_account_number"]]), name="mapping.txt")

    with translation.override("en"):
        message = file_error_message(batch.failure_code, batch.failure_detail)
    assert message == "This file is named .txt but is not a text file (is it an Excel workbook?)."


@pytest.mark.parametrize(
    "data",
    [
        # Two exports joined: UTF-8 Hindi, then a Windows-1252 "Zoë".
        csv_bytes("91000001,3191000001,राम,,") + "91000002,3191000002,Zoë,,\n".encode("cp1252"),
        # UTF-8 with its BOM, then one Windows-1252 byte further on.
        codecs.BOM_UTF8 + csv_bytes("91000001,3191000001,José,,") + "91000002,3191000002,Zoë,,\n".encode("cp1252"),
    ],
    ids=["utf-8 then windows-1252", "utf-8 with BOM then windows-1252"],
)
def test_it_refuses_a_file_mixing_utf8_and_windows_1252_instead_of_importing_mojibake(data: bytes) -> None:
    batch = batch_validated(data)

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "mixed_encoding")
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-16", b""), ("utf-8", codecs.BOM_UTF8), ("utf-8", b""), ("cp1252", b"")]
)
def test_it_refuses_a_nul_character_in_a_cell_on_every_database(encoding: str, prefix: bytes) -> None:
    # SQLite would store it and PostgreSQL's COPY would fail on it: refused before either sees it.
    data = prefix + csv_bytes("12345678,2640000001,Ram,,", "12345679,2640000002,Si\x00ta,,", encoding=encoding)

    batch = batch_validated(data)

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == ("nul_character", {"line": 3})
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_it_refuses_a_nul_character_far_into_a_utf8_file_with_a_bom() -> None:
    # Past the first 64 KB: found while the rows stream, not in the sample read for the header.
    rows = [f"{10000000 + n},{2640000000 + n},Name {n},," for n in range(5000)]
    rows[4000] = rows[4000].replace("Name", "Na\x00me")

    batch = batch_validated(codecs.BOM_UTF8 + csv_bytes(*rows))

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == ("nul_character", {"line": 4002})
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def _xlsx_with_merged_title(rows: list[list[object]], merge: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kidwai Nagar"
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_finds_the_header_below_title_rows_and_keeps_excels_row_numbers_in_a_csv() -> None:
    data = csv_bytes(
        "12345678,2640000001,Ram,North,",
        "12345679,2640000002,Sita,South,",
        header="KESCO mapping export,,,,\r\nGenerated 2024-01-01,\r\n,,,,\r\n\r\n" + HEADER,
    )

    batch = batch_validated(data)

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert [row[:3] for row in _staged(batch)] == [(6, "12345678", "2640000001"), (7, "12345679", "2640000002")]


def test_it_finds_the_header_below_a_merged_title_in_a_workbook() -> None:
    data = _xlsx_with_merged_title(
        [["KESCO old/new mapping - Kidwai Nagar"], [], list(HEADER.split(",")), ["50000101", "3050000101", "N0"]],
        merge="A1:E1",
    )

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert [row[:3] for row in _staged(batch)] == [(4, "50000101", "3050000101")]


def test_it_reads_a_header_merged_over_two_rows() -> None:
    data = _xlsx_with_merged_title(
        [["Account number", None, "consumer_name"], ["old", "new", None], ["50000201", "3150000201", "Ram"]],
        merge="A1:B1",
    )

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert _staged(batch) == [(3, "50000201", "3150000201", "Ram", "")]


def test_it_takes_the_delimiter_from_excels_sep_line_and_numbers_rows_without_it() -> None:
    # Excel hides the "sep=;" line: the header is its row 1. The comma in the name is not a delimiter.
    data = b"sep=;\r\nold_account_number;new_account_number;consumer_name\r\n92000001;3192000001;Sharma, R.K.\r\n"

    batch = batch_validated(data)

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert _staged(batch) == [(2, "92000001", "3192000001", "Sharma, R.K.", "")]


@pytest.mark.parametrize(
    "header",
    [
        "Old A/c No,New A/c No,Mobile",
        "OLD_ACC_NO,NEW_ACC_NO,mob no",
        "Old Consumer No.,New Consumer No.,Mobile No.",
        "Account No (Old),Account No (New),Regd. Mobile No.",
        "Old Acct #,New Acct #,Mobile Number",
        "पुराना खाता सं.,नया खाता सं.,मोबाईल",
        "पुरानी खाता संख्या,नई खाता संख्या,मोबाईल नंबर",
    ],
)
def test_it_matches_the_ways_billing_offices_spell_the_headers(header: str) -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,9876543210", header=header))

    assert batch.status == ImportBatch.Status.VALIDATED, (header, batch.failure_detail)
    assert ImportRow.objects.get(batch_id=batch.pk).mobile_last4 == "3210"


def test_a_refused_header_shows_the_columns_found_and_the_sheet_read() -> None:
    data = _xlsx_with_merged_title(
        [["Mapping"], ["Consumer ID (old)", "Consumer ID (new)", "Name"], ["50000201", "3150000201", "Ram"]],
        merge="A1:C1",
    )

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.failure_code == "missing_columns"
    with translation.override("en"):
        message = file_error_message(batch.failure_code, batch.failure_detail)
    assert message == (
        "Required columns are missing: old account number, new account number. Columns found in row 2: "
        "“Consumer ID (old)”, “Consumer ID (new)”, “Name”. Sheet read: “Kidwai Nagar”."
    )


def test_a_refused_header_never_shows_a_data_row() -> None:
    batch = batch_validated(csv_bytes("12345679,2640000002,Sita,,", header="12345678,2640000001,Ram Prasad,,"))

    assert batch.failure_code == "missing_columns"
    assert "Ram" not in batch.failure_detail and "12345678" not in batch.failure_detail
    with translation.override("en"):
        message = file_error_message(batch.failure_code, batch.failure_detail)
    assert message.endswith("No column names were found in the first 20 rows that are not blank.")


def test_it_looks_for_the_header_only_in_the_first_20_rows_that_are_not_blank() -> None:
    titles = "\n".join(f"note {n}," for n in range(20))

    batch = batch_validated(csv_bytes("12345678,2640000001", header=titles + "\nold_account_number,new_account_number"))

    assert batch.failure_code == "missing_columns"
    assert file_error_details(batch.failure_detail) == {
        "columns": ["old", "new"],
        "row": 1,
        "found": ["note 0"],
    }


def _workbook(*sheets: tuple[str, str, list[list[object]]], hidden_rows: tuple[int, ...] = ()) -> bytes:
    """Sheets as (title, state, rows); hidden_rows are hidden in the last sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, state, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    workbook.active = next(index for index, (_t, state, _r) in enumerate(sheets) if state == "visible")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_the_first_visible_sheet_and_notes_the_hidden_one_passed_over() -> None:
    header = ["old_account_number", "new_account_number"]
    data = _workbook(
        ("Old", "hidden", [header, ["50000401", "3050000401"]]),
        ("Current", "visible", [header, ["50000451", "3050000451"]]),
    )

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert [row[1] for row in _staged(batch)] == ["50000451"]
    assert (batch.sheet_name, batch.notes) == ("Current", {"hidden_sheets_passed_over": ["Old"]})


def test_it_imports_hidden_rows_of_a_sheet_and_counts_them_for_the_preview() -> None:
    rows = [["old_account_number", "new_account_number"]] + [[f"9400000{n}", f"319400000{n}"] for n in range(6)]
    data = _workbook(("Sheet", "visible", rows), hidden_rows=(2, 4, 6))

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.rows_read == 6  # read and checked like the others: skipping them would drop mappings
    assert batch.notes == {"hidden_rows": 3}
    assert (batch.sheet_name, batch.header_row, batch.encoding) == ("Sheet", 1, "")


def test_it_records_the_encoding_delimiter_and_header_row_it_read_a_csv_with() -> None:
    data = codecs.BOM_UTF8 + csv_bytes(
        "12345678;2640000001", header="Mapping for Panki;\r\nold_account_number;new_account_number"
    )

    batch = batch_validated(data)

    assert (batch.encoding, batch.delimiter, batch.header_row, batch.sheet_name) == ("utf-8-sig", ";", 2, "")


def test_it_refuses_a_workbook_whose_sheet_breaks_off_as_damaged_not_as_an_internal_error() -> None:
    rows = [["old_account_number", "new_account_number"]] + [[f"5000000{n}", f"315000000{n}"] for n in range(5)]
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="4"')] + b'<row r="4"><c r="A4" t="inlineStr"><is><t>'
            copy.writestr(item, content)

    batch = batch_validated(damaged.getvalue(), name="mapping.xlsx")

    assert (batch.failure_code, file_error_details(batch.failure_detail)) == (
        "damaged_workbook",
        {"row": 4, "sheet": "Sheet"},
    )
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_it_refuses_utf16_without_its_byte_order_mark_as_unreadable_characters_not_as_a_nul() -> None:
    data = csv_bytes("12345678,2640000001,Ram,,", encoding="utf-16-le")

    batch = batch_validated(data, name="mapping.txt")

    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "encoding")
