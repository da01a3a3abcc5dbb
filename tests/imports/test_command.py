"""The operators' command: same pipeline, in-process, exit status telling file refusal from row refusals."""

from __future__ import annotations

import getpass
import io
import logging
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import AccountMapping
from audit.models import AuditEntry
from imports import selectors, services
from imports.management.commands.import_mappings import _ProgressBar
from imports.models import ImportBatch, ImportRow
from tests.helpers import staff_user
from tests.imports.helpers import csv_bytes, mapping_existing

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


def test_it_prints_reasons_and_file_refusals_in_english_and_hindi(tmp_path: Path) -> None:
    output = _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,,,", "12345678.0,2640000002,,,"))), "--dry-run")

    assert "excel_number: The number was stored by Excel as a number" in output
    assert " / Excel ने इसे संख्या के रूप में रखा है" in output

    with pytest.raises(CommandError) as refused:
        _run(str(_file(tmp_path, csv_bytes("12345678", header="old_account_number"), name="refused.csv")), "--yes")
    assert "file refused: Required columns are missing: new account number." in str(refused.value)
    assert " / ज़रूरी कॉलम नहीं हैं: नई खाता संख्या।" in str(refused.value)


def test_a_dry_run_ends_its_batch_so_nobody_can_apply_it_later(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))

    output = _run(str(path), "--dry-run")

    batch = ImportBatch.objects.get()
    assert "is ended (dry_run): it cannot be applied" in output
    assert (batch.status, batch.failure_code, batch.failed_stage) == ("failed", "dry_run", "validate")
    assert batch.failed_at is not None  # the retention clock for its file starts now
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert Path(batch.file.path).exists()
    with pytest.raises(services.ImportActionRefused):
        services.import_batch_apply_request(batch_id=batch.pk, user=staff_user("clerk", can_import=True))
    assert not AccountMapping.objects.exists()


def test_an_unconfirmed_run_ends_its_batch_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a terminal: nobody can confirm

    with pytest.raises(CommandError, match="not_confirmed"):
        _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))))

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.failure_code) == ("failed", "not_confirmed")
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_it_records_who_ran_it_the_login_always_and_the_staff_account_named_by_user(tmp_path: Path) -> None:
    operator = staff_user("operator", can_import=True)

    _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--yes", "--user", "operator")

    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.applied_by) == (operator, operator)
    assert batch.command_user == getpass.getuser()


def test_a_command_batch_without_user_shows_the_login_as_uploader(tmp_path: Path) -> None:
    _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--dry-run")

    batch = ImportBatch.objects.get()
    with translation.override("en"):
        assert selectors.batch_uploader(batch=batch) == f"{getpass.getuser()} (command line)"


def _trail() -> list[tuple[str, str, object, str, dict]]:
    return [
        (entry.action, entry.username, entry.user, entry.target, entry.detail)
        for entry in AuditEntry.objects.order_by("pk")
    ]


def test_an_applied_import_goes_in_the_audit_trail_under_the_login(tmp_path: Path) -> None:
    _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--yes")

    batch = ImportBatch.objects.get()
    detail = {"via": "command line", "login": getpass.getuser()}
    target = f"imports.ImportBatch #{batch.pk}"
    assert _trail() == [
        (AuditEntry.Action.IMPORT_UPLOADED, getpass.getuser(), None, target, detail),
        (AuditEntry.Action.IMPORT_APPLIED, getpass.getuser(), None, target, detail),
    ]


def test_the_audit_trail_names_the_staff_account_given_by_user(tmp_path: Path) -> None:
    operator = staff_user("operator", can_import=True)

    _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--yes", "--user", "operator")

    assert [(action, username, user) for action, username, user, _target, _detail in _trail()] == [
        (AuditEntry.Action.IMPORT_UPLOADED, "operator", operator),
        (AuditEntry.Action.IMPORT_APPLIED, "operator", operator),
    ]


def test_a_dry_run_is_in_the_audit_trail_as_an_upload_only(tmp_path: Path) -> None:
    _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--dry-run")

    assert [entry[0] for entry in _trail()] == [AuditEntry.Action.IMPORT_UPLOADED]


def test_a_refused_file_is_in_the_audit_trail_as_an_upload_only(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="file refused"):
        _run(str(_file(tmp_path, csv_bytes("12345678", header="old_account_number"))), "--yes")

    assert [entry[0] for entry in _trail()] == [AuditEntry.Action.IMPORT_UPLOADED]


@pytest.mark.parametrize("username", ["nobody", "clerk"])
def test_it_refuses_a_user_that_does_not_exist_or_may_not_import(tmp_path: Path, username: str) -> None:
    staff_user("clerk", can_import=False)

    with pytest.raises(CommandError, match="--user"):
        _run(str(_file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))), "--yes", "--user", username)

    assert not ImportBatch.objects.exists()


def test_it_says_when_the_same_file_was_imported_before(tmp_path: Path) -> None:
    path = _file(tmp_path, csv_bytes("12345678,2640000001,Ram,,"))
    _run(str(path), "--yes")
    first = ImportBatch.objects.get()

    output = _run(str(path), "--yes")

    assert f"Note: This file was already applied, as batch #{first.pk}. Importing it again changes nothing" in output
    assert f"यह फ़ाइल पहले ही बैच #{first.pk} के रूप में लागू हो चुकी है" in output


def test_the_progress_bar_times_its_rate_from_the_first_report_not_from_zero() -> None:
    out = io.StringIO()
    bar = _ProgressBar(enabled=True, file=out)

    bar.update("validating", 10_000, 750_000)
    first = out.getvalue()
    bar.close()

    # Not "1.75Grows/s": no rate until there is a time to divide by.
    assert "?rows/s" in first
    assert not re.search(r"\d[kMG]rows/s", out.getvalue())


def test_log_lines_go_above_the_progress_bar_while_it_shows() -> None:
    console = logging.StreamHandler(sys.stderr)
    logging.root.addHandler(console)
    try:
        with _ProgressBar(enabled=True).logs_through_bar():
            during = list(logging.root.handlers)
    finally:
        logging.root.removeHandler(console)

    assert console not in during  # it would write through the bar
    assert "_TqdmLoggingHandler" in [type(handler).__name__ for handler in during]
