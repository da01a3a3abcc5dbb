"""The operators' command: same pipeline, in-process, exit status telling file refusal from row refusals."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccountMapping
from imports.models import ImportBatch
from tests.imports.conftest import csv_bytes, mapping_existing

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, data: bytes, name: str = "mapping.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_mappings", *args, stdout=out)
    return out.getvalue()


def test_it_applies_a_file_and_reports_refused_rows_without_failing(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,", "12345678.0,2640000002,,,"))

    output = _run(str(path), "--yes")

    assert "Applied batch" in output
    assert "1 new" in output and "1 refused" in output and "excel_number" in output
    assert AccountMapping.objects.filter(old_account_number="12345678").exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED


def test_a_dry_run_changes_nothing(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))

    output = _run(str(path), "--dry-run")

    assert "1 new" in output and "Dry run" in output
    assert not AccountMapping.objects.exists()


def test_it_exits_non_zero_when_the_file_itself_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("12345678", header="old_account_number"))

    with pytest.raises(CommandError, match="file refused"):
        _run(str(path), "--yes")

    assert not AccountMapping.objects.exists()


def test_it_does_not_apply_without_yes_when_nobody_can_answer(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a terminal
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))

    with pytest.raises(CommandError, match="--yes"):
        _run(str(path))

    assert not AccountMapping.objects.exists()


def test_running_the_same_file_again_says_nothing_changed(tmp_path: Path) -> None:
    mapping_existing("12345678", "2640000001", name="Ram")
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))

    output = _run(str(path), "--yes")

    assert "0 new, 0 changed, 1 unchanged" in output
    assert "Nothing changed" in output


def test_it_says_how_it_read_the_file_and_what_to_check_in_english_and_hindi(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Old"
    workbook.active.sheet_state = "hidden"
    data = workbook.create_sheet("Current")
    workbook.active = 1
    data.append(["old_account_number", "new_account_number"])
    data.append(["50000451", "3050000451"])
    path = tmp_path / "mapping.xlsx"
    workbook.save(path)

    output = _run(str(path), "--dry-run")

    assert "Read as: Excel workbook, sheet “Current”; header on row 1. / Excel वर्कबुक, शीट “Current”" in output
    assert "The first sheet of this workbook is hidden (“Old”): the first visible sheet, “Current”, was read." in output
    assert "इस वर्कबुक की पहली शीट छिपी हुई है" in output


def test_it_warns_about_old_numbers_shorter_than_usual(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("123457,2100123457,,,"))

    output = _run(str(path), "--dry-run")

    assert "Old account numbers shorter than the usual 8 digits: 1." in output
    assert "सामान्य 8 अंकों से छोटी पुरानी खाता संख्याएँ: 1।" in output
