"""The one module allowed openpyxl's internals: what it reads, and that it refuses an openpyxl it does not know."""

from __future__ import annotations

import ast
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.checks import run_checks

from imports.reader import openpyxl_adapter
from imports.reader.openpyxl_adapter import OPENPYXL_VERSION, UnsupportedOpenpyxlVersion, check_openpyxl_version

ROOT = Path(__file__).resolve().parents[2]


def _read_only(workbook: openpyxl.Workbook) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer, read_only=True, data_only=True)


def test_it_is_written_for_the_openpyxl_pinned_in_requirements() -> None:
    pin = re.search(r"^openpyxl==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)

    assert pin is not None
    assert OPENPYXL_VERSION == pin.group(1) == openpyxl.__version__
    check_openpyxl_version()  # does not raise


def test_it_reads_rows_with_their_numbers_hidden_flags_and_cell_types_under_the_pinned_version() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["old_account_number", "new_account_number", "date"])
    sheet.append([12345678, 12.5, datetime.date(2024, 1, 31)])
    sheet.append([])
    sheet.append(["x", None, "y"])
    sheet.row_dimensions[2].hidden = True
    read_only = _read_only(workbook)

    rows = list(openpyxl_adapter.sheet_rows(read_only, read_only.worksheets[0], on_unreadable_row=ValueError))

    # Missing rows are not made up (row 3 is absent), cells are typed, a date cell reads as a date.
    assert rows == [
        (1, ["old_account_number", "new_account_number", "date"], False),
        (2, [12345678, 12.5, datetime.datetime(2024, 1, 31)], True),
        (4, ["x", None, "y"], False),
    ]


def test_it_refuses_another_openpyxl_version_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    expected = f"openpyxl {OPENPYXL_VERSION}, but openpyxl 3.2.0 is installed"

    with pytest.raises(UnsupportedOpenpyxlVersion, match=re.escape(expected)):
        check_openpyxl_version()


def test_a_deploy_with_another_openpyxl_fails_its_system_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")

    errors = [message for message in run_checks() if message.id == "imports.E002"]

    assert len(errors) == 1
    assert "openpyxl 3.2.0 is installed" in errors[0].msg


def test_it_reads_no_sheet_under_another_openpyxl_version(monkeypatch: pytest.MonkeyPatch) -> None:
    read_only = _read_only(openpyxl.Workbook())
    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")

    with pytest.raises(UnsupportedOpenpyxlVersion):
        list(openpyxl_adapter.sheet_rows(read_only, read_only.worksheets[0], on_unreadable_row=ValueError))


_INTERNALS = ("WorkSheetParser", "_get_source", "_shared_strings", "_date_formats", "_timedelta_formats")


def _private_openpyxl_imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "openpyxl":
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            found += [node.module] if any(part.startswith("_") for part in parts) else []
        elif isinstance(node, ast.Import):
            found += [
                alias.name
                for alias in node.names
                if alias.name.split(".")[0] == "openpyxl" and any(p.startswith("_") for p in alias.name.split("."))
            ]
    return found


def test_no_other_module_touches_openpyxl_internals() -> None:
    allowed = {Path(openpyxl_adapter.__file__).resolve(), Path(__file__).resolve()}
    offenders = {}
    for path in ROOT.rglob("*.py"):
        if path.resolve() in allowed or any(part.startswith(".") for part in path.relative_to(ROOT).parts):
            continue  # the virtualenv, caches
        source = path.read_text(encoding="utf-8")
        found = _private_openpyxl_imports(ast.parse(source)) + [name for name in _INTERNALS if name in source]
        if found:
            offenders[str(path.relative_to(ROOT))] = found

    assert offenders == {}
