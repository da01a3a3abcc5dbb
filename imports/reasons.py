"""Why a row or a whole file is refused: stable codes, explained in plain words in the user's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from django.utils import translation
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

# Row refusals. The code goes into the staging table and the error report; the words go to staff.
ROW_REASONS = {
    "invalid_old": _("The old account number is not valid: it must be digits only, of the right length."),
    "invalid_new": _("The new account number is not valid: it must be digits only, of the right length."),
    "scientific_notation": _(
        "The number is in Excel's scientific notation (like 2.64E+09): its digits are lost. "
        "Format the column as Text in Excel and export again."
    ),
    "excel_number": _(
        "The number was stored by Excel as a number (like 12345678.0, or with its leading zeros cut). "
        "Format the column as Text in Excel and export again."
    ),
    "invalid_mobile": _("The mobile number is not a 10-digit Indian mobile number."),
    "too_long": _("The consumer name or division is too long."),
    "conflicting_old": _("This old account number appears more than once in the file with different details."),
    "conflicting_new": _("This new account number is given to more than one old account number in the file."),
    "new_number_taken": _("This new account number already belongs to a different old account number."),
    "old_is_a_new_number": _(
        "This old account number is also used as a new account number (in this row, elsewhere in the file, "
        "or in the live table): a lookup of it would find two accounts."
    ),
    "new_is_an_old_number": _(
        "This new account number is also used as an old account number (elsewhere in the file, or in the "
        "live table): a lookup of it would find two accounts."
    ),
}

# Rows that are imported but that staff should look at: in the preview's notes and the report.
ROW_WARNINGS = {
    "short_old_number": _(
        "The old account number is shorter than the usual %(length)s digits: check that Excel did not drop "
        "its leading zeros (00123456 saved as 123456). It is imported as it is."
    ),
}

FILE_ERRORS = {
    "unsupported_type": _("Only CSV and XLSX files can be imported."),
    "not_a_workbook": _("This file is named .xlsx but is not an Excel workbook."),
    "not_text": _("This file is named %(extension)s but is not a text file (is it an Excel workbook?)."),
    "empty_file": _("The file is empty (0 bytes). Export it from Excel again."),
    "encoding": _("The characters of this file could not be read. Save it from Excel as CSV UTF-8."),
    "mixed_encoding": _(
        "Parts of this file are in different encodings (UTF-8 and Windows-1252: two exports joined "
        "together?), so some names would come out garbled. Open it in Excel, check the names, and save "
        "it as CSV UTF-8; or export each part as CSV UTF-8 before joining them."
    ),
    "nul_character": _(
        "This file holds a NUL character (an invisible character with code 0) on line %(line)s, which "
        "no spreadsheet cell holds: the file is damaged or is not a text file. Open it in Excel and "
        "save it again as CSV UTF-8."
    ),
    "no_header": _("The file has no header row."),
    "missing_columns": _("Required columns are missing: %(columns)s."),
    "duplicate_columns": _("A column appears twice: %(columns)s."),
    "no_rows": _("The file has a header but no data rows."),
    "damaged_workbook": _(
        "This workbook could not be read past row %(row)s: it is damaged. Open it in Excel, save it "
        "again, and upload the new file."
    ),
    "malformed_csv": _(
        "This file has a quotation mark that is never closed, near row %(row)s (line %(line)s of the file): "
        "the rows after it were read as part of one cell. Fix it in Excel and export the file again."
    ),
    "cell_too_long": _(
        "Row %(row)s (line %(line)s of the file) has a cell of more than 100,000 characters, far longer than "
        "any name or number: this does not look like a mapping list. Check the file in Excel and export it again."
    ),
    "line_too_long": _(
        "Line %(line)s of the file (row %(row)s) is longer than %(maximum)s characters, far longer than any row "
        "of a mapping list: this does not look like one. Check the file in Excel and export it again."
    ),
    "workbook_too_large": _(
        "This workbook was refused before it was read, to protect the server: %(limit)s A mapping list of the "
        "whole city is far smaller. If this really is the mapping list, open it in Excel, delete what is not "
        "the list, and save it again (or save it as CSV UTF-8)."
    ),
    "too_much_memory": _(
        "Checking this file needed more than %(maximum)s MB of memory, the limit set for one import, so it was "
        "stopped. Nothing was changed. Split the file into smaller ones, or ask the administrator to raise "
        "IMPORTS_MAX_TASK_MEMORY_MB."
    ),
    "worker_lost": _("The worker stopped while working on this batch. Nothing was changed; you can run it again."),
    "staging_lost": _(
        "The checked rows of this batch were lost (database restart). Run it again to re-check the file."
    ),
    "internal": _("An unexpected error stopped this batch. Nothing was changed; you can run it again."),
    "dry_run": _(
        "A dry run of the import command: the file was checked and its preview shown, never applied. "
        "Nothing was changed."
    ),
    "not_confirmed": _(
        "Not applied: the import command was not confirmed. Nothing was changed. Run the command again "
        "(--yes applies without asking), or upload the file here."
    ),
    "expired": _(
        "This batch was checked but not applied within the retention period, so its preview was out of "
        "date. Its file and checked rows were deleted; nothing was changed. Upload the file again."
    ),
}

# Which limit a workbook passed (the "limit" detail of workbook_too_large): the words for %(limit)s.
WORKBOOK_LIMITS = {
    "parts": _("it is made of %(count)s parts, more than the %(maximum)s allowed."),
    "directory": _("its table of contents is bigger than a workbook of %(maximum)s parts needs."),
    "part_size": _("one of its parts unpacks to more than %(maximum)s MB."),
    "ratio": _("one of its parts unpacks to more than %(maximum)s times its packed size."),
    "shared_strings": _("it holds more than %(maximum)s different texts."),
    "string_length": _("one of its texts is longer than %(maximum)s characters."),
    "cell_length": _("row %(row)s has a cell longer than %(maximum)s characters."),
    "columns": _("row %(row)s has a value beyond column %(column)s."),
}

COLUMN_LABELS = {
    "old": _("old account number"),
    "new": _("new account number"),
    "name": _("consumer name"),
    "division": _("division"),
    "mobile": _("mobile"),
}


# The same failures without their details: a csv.Error caught outside the reader, which could not say
# where; a batch refused before its extension was recorded.
_FILE_ERRORS_WITHOUT_DETAILS = {
    "malformed_csv": _(
        "This file has a quotation mark that is never closed: rows after it were read as part of one cell. "
        "Fix it in Excel and export the file again."
    ),
    "not_text": _("This file is not a text file (is it an Excel workbook?)."),
}


def file_error_details(detail: str) -> dict:
    """A batch's failure_detail as a dict: JSON, or the comma-separated column keys older batches hold."""
    if not detail:
        return {}
    if detail.startswith("{"):
        try:
            details = json.loads(detail)
        except ValueError:
            return {}
        return details if isinstance(details, dict) else {}
    return {"columns": [key for key in detail.split(",") if key]}


# Added to a header refusal: what the reader did find, so staff can see why it did not match.
_FOUND_COLUMNS = _("Columns found in row %(row)s: %(found)s.")
_NO_COLUMN_NAMES = _("No column names were found in the first %(searched)s rows that are not blank.")
_SHEET_READ = _("Sheet read: %(sheet)s.")


def file_error_message(code: str, detail: str = "") -> str:
    """The translated sentences for a file-level failure, their placeholders filled from ``detail``."""
    details = file_error_details(detail)
    message = FILE_ERRORS.get(code, FILE_ERRORS["internal"])
    if code in _FILE_ERRORS_WITHOUT_DETAILS and not details:
        message = _FILE_ERRORS_WITHOUT_DETAILS[code]
    params = {key: value for key, value in details.items() if isinstance(value, str | int)}
    if "columns" in details:
        params["columns"] = ", ".join(str(COLUMN_LABELS.get(key, key)) for key in details["columns"])
    if code == "workbook_too_large":
        params["limit"] = str(WORKBOOK_LIMITS.get(str(details.get("limit")), "")) % _Placeholders(params)
    sentences = [str(message) % _Placeholders(params)]
    if isinstance(details.get("found"), list):
        if details["found"]:
            found = ", ".join(f"“{name}”" for name in details["found"])
            sentences.append(str(_FOUND_COLUMNS) % _Placeholders({**params, "found": found}))
        else:
            sentences.append(str(_NO_COLUMN_NAMES) % _Placeholders(params))
    if details.get("sheet"):
        sentences.append(str(_SHEET_READ) % {"sheet": f"“{details['sheet']}”"})
    return " ".join(sentences)


class _Placeholders(dict):
    # A detail missing from an old batch's record shows as "?" rather than crashing the page.
    def __missing__(self, key: str) -> str:
        return "?"


def in_english_and_hindi(render: Callable[[], T]) -> tuple[T, T]:
    """What ``render`` gives with English active, then with Hindi active."""
    with translation.override("en"):
        english = render()
    with translation.override("hi"):
        hindi = render()
    return english, hindi


def joined(english: str, hindi: str) -> str:
    """ "English / हिन्दी", or the one text when both read the same."""
    return english if english == hindi else f"{english} / {hindi}"


def bilingual(message: object) -> str:
    """A lazy translatable string as "English / हिन्दी" (once, when both read the same).

    For what staff may read in either language at once: the error report, the command's output.
    ``message`` must be lazy (gettext_lazy): an eager string is already in one language.
    """
    return joined(*in_english_and_hindi(lambda: str(message)))
