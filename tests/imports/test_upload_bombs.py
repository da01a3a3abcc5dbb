"""Upload bombs: workbooks small zipped and huge unzipped, and CSV lines without end, refused before they cost memory.

Each file is built by the test (small on disk) and goes through the real services.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from bench.xlsx_bombs import SHEET, far_columns, huge_cell, many_strings, write_workbook
from imports.models import ImportBatch, ImportRow
from imports.reader import FileRefused
from imports.reader.memory import resident_mb
from imports.reader.xlsx_zip import WorkbookZip, ZipLimits
from imports.reasons import file_error_details, file_error_message
from kesco_lookup.celery import app as celery_app
from tests.imports.helpers import HEADER, batch_validated, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _refused(batch: ImportBatch) -> tuple[str, dict]:
    assert batch.status == ImportBatch.Status.FAILED
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    return batch.failure_code, file_error_details(batch.failure_detail)


def _messages(batch: ImportBatch) -> tuple[str, str]:
    with translation.override("en"):
        english = file_error_message(batch.failure_code, batch.failure_detail)
    with translation.override("hi"):
        hindi = file_error_message(batch.failure_code, batch.failure_detail)
    return english, hindi


def _built(tmp_path: Path, build, **size) -> bytes:  # type: ignore[no-untyped-def]
    return build(tmp_path / "bomb.xlsx", **size).read_bytes()


def test_it_refuses_one_huge_cell_from_the_zip_directory_before_unpacking_it(tmp_path: Path) -> None:
    data = _built(tmp_path, huge_cell, megabytes=50)  # 50 MB in about 50 KB
    before = resident_mb()

    started = time.monotonic()
    batch = batch_validated(data, name="mapping.xlsx")

    assert time.monotonic() - started < 5
    assert resident_mb() - before < 20  # never unpacked: not 50 MB more
    assert _refused(batch) == ("workbook_too_large", {"limit": "ratio", "maximum": 100})
    english, hindi = _messages(batch)
    assert "refused before it was read" in english
    assert "one of its parts unpacks to more than 100 times its packed size" in english
    assert "पढ़े जाने से पहले ही अस्वीकार" in hindi and "100 गुना" in hindi


def test_it_refuses_a_table_of_millions_of_strings_in_a_few_kilobytes(tmp_path: Path) -> None:
    data = _built(tmp_path, many_strings, count=200_000)

    batch = batch_validated(data, name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "ratio", "maximum": 100})


def test_it_refuses_rows_with_a_value_in_column_xfd_at_the_first_such_row(tmp_path: Path) -> None:
    data = _built(tmp_path, far_columns, rows=2000)

    batch = batch_validated(data, name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "columns", "row": 2, "column": "CV", "sheet": "Mapping"})
    english, hindi = _messages(batch)
    assert "row 2 has a value beyond column CV" in english
    assert "पंक्ति 2 में कॉलम CV के बाद भी कोई मान है" in hindi


def test_it_passes_over_empty_formatted_cells_beyond_the_last_column_read(tmp_path: Path) -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>old_account_number</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>new_account_number</t></is></c><c r="XFD1" s="1"/></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>50000101</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>3050000101</t></is></c><c r="XFD2" s="1"/></row>'
        b"</sheetData></worksheet>"
    )
    data = write_workbook(tmp_path / "formatted.xlsx", {SHEET: [sheet]}).read_bytes()

    batch = batch_validated(data, name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert batch.rows_read == 1


def test_it_refuses_a_workbook_of_too_many_parts(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_XLSX_MAX_PARTS = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER.split(",")]))).infolist():
            archive.writestr(item, b"")
        for number in range(5):
            archive.writestr(f"xl/media/image{number}.png", b"")

    batch = batch_validated(buffer.getvalue(), name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "parts", "count": 14, "maximum": 10})
    assert "it is made of 14 parts, more than the 10 allowed" in _messages(batch)[0]


def test_it_refuses_a_zip_directory_too_big_for_its_parts_before_zipfile_reads_it(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_XLSX_MAX_PARTS = 10  # a directory of at most 10 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER.split(",")]))).infolist():
            archive.writestr(item, b"")
        # One member more, whose name is long enough to make the directory too big for 10 parts.
        archive.writestr("xl/media/" + "n" * 20_000 + ".png", b"")

    batch = batch_validated(buffer.getvalue(), name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "directory", "maximum": 10})
    english, hindi = _messages(batch)
    assert "its table of contents is bigger than a workbook of 10 parts needs" in english
    assert "10 हिस्सों वाली वर्कबुक" in hindi


def test_it_refuses_a_part_that_unpacks_past_the_size_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_XLSX_MAX_PART_MB = 1
    rows = [HEADER.split(",")] + [[f"{50000000 + n}", f"{3050000000 + n}", f"Consumer {n}"] for n in range(20_000)]

    batch = batch_validated(xlsx_bytes(rows), name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "part_size", "maximum": 1})


def test_it_counts_the_strings_of_the_table_as_it_reads_them_and_stops_at_the_limit(  # type: ignore[no-untyped-def]
    settings, tmp_path: Path
) -> None:
    settings.IMPORTS_XLSX_MAX_SHARED_STRINGS = 1000
    data = _built(tmp_path, many_strings, count=5000)  # under a megabyte: no ratio limit for it

    batch = batch_validated(data, name="mapping.xlsx")

    assert _refused(batch) == ("workbook_too_large", {"limit": "shared_strings", "maximum": 1000})
    assert "इसमें 1000 से ज़्यादा अलग-अलग टेक्स्ट हैं" in _messages(batch)[1]


def test_it_refuses_a_cell_longer_than_the_limit_naming_its_row(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_MAX_CELL_CHARS = 1000
    rows = [HEADER.split(","), ["50000101", "3050000101", "Ram"], ["50000102", "3050000102", "R" * 5000]]

    batch = batch_validated(xlsx_bytes(rows), name="mapping.xlsx")

    details = {"limit": "cell_length", "row": 3, "maximum": 1000, "sheet": "Sheet"}
    assert _refused(batch) == ("workbook_too_large", details)
    assert "row 3 has a cell longer than 1000 characters" in _messages(batch)[0]


def test_it_refuses_a_workbook_whose_xml_declares_entities() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    )
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER.split(",")])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, laughs if item.filename == "xl/workbook.xml" else original.read(item))

    batch = batch_validated(buffer.getvalue(), name="mapping.xlsx")

    assert _refused(batch) == ("not_a_workbook", {})


def _lying_about_its_size(data: bytes, member: str, declared: int) -> bytes:
    """The workbook with ``member``'s uncompressed size in the central directory replaced by ``declared``."""
    raw = bytearray(data)
    # Its central directory entry: the signature, the uncompressed size 24 bytes in, the name 46 bytes in.
    entry = raw.index(b"PK\x01\x02")
    while raw[entry + 46 : entry + 46 + len(member)] != member.encode():
        entry = raw.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", raw, entry + 24, declared)
    assert zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(member).file_size == declared
    return bytes(raw)


def test_a_sheet_that_lies_about_its_size_is_never_unpacked_past_what_it_declared(tmp_path: Path) -> None:
    rows = [HEADER.split(",")] + [[f"{50000000 + n}", f"{3050000000 + n}"] for n in range(3000)]
    data = _lying_about_its_size(xlsx_bytes(rows), "xl/worksheets/sheet1.xml", declared=4000)

    batch = batch_validated(data, name="mapping.xlsx")

    # zipfile stops at the declared size and the checksum fails: a damaged sheet, refused at the row it broke.
    code, details = _refused(batch)
    assert code == "damaged_workbook" and details["row"] < 100


def test_the_counter_stops_a_part_as_soon_as_it_passes_its_limit_whatever_it_declared(tmp_path: Path) -> None:
    path = huge_cell(tmp_path / "cell.xlsx", megabytes=8)
    workbook = WorkbookZip(path, ZipLimits(members=100, member_bytes=64 * 1024 * 1024, ratio=10_000))
    # The directory passed; now the limit is lower than what the part unpacks to, as if it had lied.
    workbook.limits = dataclasses.replace(workbook.limits, member_bytes=1024 * 1024, ratio=10)

    with workbook.open(SHEET) as part, pytest.raises(FileRefused) as refusal:
        while part.read(64 * 1024):
            pass

    assert refusal.value.code == "workbook_too_large"
    assert part.bytes_read <= 1024 * 1024 + 64 * 1024  # stopped within one chunk of the limit, not at 8 MB
    workbook.close()


def test_it_refuses_a_csv_line_longer_than_the_limit_with_its_row_and_line(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_CSV_MAX_LINE_CHARS = 10_000
    data = csv_bytes("12345678,2640000001,Ram,,", "", "12345679,2640000002," + "x," * 20_000)

    batch = batch_validated(data)

    assert _refused(batch) == ("line_too_long", {"row": 4, "line": 4, "maximum": 10000})
    english, hindi = _messages(batch)
    assert "Line 4 of the file (row 4) is longer than 10000 characters" in english
    assert "फ़ाइल की लाइन 4 (पंक्ति 4) 10000 अक्षरों से लंबी है" in hindi


def test_a_csv_without_any_line_break_is_refused_without_reading_it_whole() -> None:
    data = ("old_account_number,new_account_number\n" + "12345678," * 300_000).encode()

    batch = batch_validated(data)

    assert _refused(batch) == ("line_too_long", {"row": 2, "line": 2, "maximum": settings.IMPORTS_CSV_MAX_LINE_CHARS})


def test_it_fails_the_batch_when_the_process_passes_the_memory_ceiling(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_MAX_TASK_MEMORY_MB = 1  # any process holds more: the first check fails it
    rows = [f"{20000000 + n},{2700000000 + n},Consumer {n},East," for n in range(10_000)]

    batch = batch_validated(csv_bytes(*rows))

    assert _refused(batch) == ("too_much_memory", {"maximum": 1})
    english, hindi = _messages(batch)
    assert "needed more than 1 MB of memory" in english and "Nothing was changed" in english
    assert "1 MB से ज़्यादा मेमोरी लगी" in hindi


def test_a_file_under_the_memory_ceiling_is_checked_as_before(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORTS_MAX_TASK_MEMORY_MB = int(resident_mb()) + 500
    rows = [f"{20000000 + n},{2700000000 + n},Consumer {n},East," for n in range(10_000)]

    batch = batch_validated(csv_bytes(*rows))

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code


def test_the_worker_recycles_a_child_past_its_memory_ceiling() -> None:
    assert celery_app.conf.worker_max_memory_per_child == settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD < settings.IMPORTS_MAX_TASK_MEMORY_MB * 1024


def test_the_default_limits_read_a_real_750000_row_export() -> None:
    # Measured on bench/out/mapping-750000.xlsx (docs/imports.md, "Upload bombs"): a 233 MB sheet
    # packed 8.5 to 1, 9 parts; as Excel would save it, about 2.1 million shared strings.
    assert settings.IMPORTS_XLSX_MAX_PART_MB * 1024 * 1024 >= 2 * 244_116_735
    assert settings.IMPORTS_XLSX_MAX_RATIO >= 5 * 8.5
    assert settings.IMPORTS_XLSX_MAX_SHARED_STRINGS >= 1.4 * 2_060_000
    assert settings.IMPORTS_XLSX_MAX_PARTS >= 10 * 9


def test_a_workbook_within_every_limit_is_read_as_before() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["50000101", "3050000101", "राम", "North", "9876543210"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = batch_validated(buffer.getvalue(), name="mapping.xlsx")

    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert batch.rows_read == 1
