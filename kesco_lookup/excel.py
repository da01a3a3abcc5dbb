"""Cells that Excel shows as text, exactly as written: for every CSV staff download and open in Excel.

Used by the import error report and the scam-report export.
"""

from __future__ import annotations

import re

# What Excel does to a CSV cell it opens: runs it as a formula (= + - @, and tab or CR before them),
# or turns it into a number or a date, which drops leading zeros (00030000107 and 30000107 both
# show as 30000107), cuts a mobile's last four (0102 shows as 102) and reads 3.00001E+07 as 30000100.
# Such a cell gets a leading apostrophe: Excel then shows it as text, exactly as in the file. An
# apostrophe already there gets one more, so that report_text() can take exactly one off.
_EXCEL_FORMULA_START = "=+-@\t\r"
_EXCEL_FORMULA_CHARS = frozenset(_EXCEL_FORMULA_START)
_EXCEL_NUMBER_START = re.compile(r"[\s(₹$€£]*[.,]?\d")


def excel_safe(value: object) -> str:
    """A cell Excel will show as text, as written, when it opens the CSV."""
    text = "" if value is None else str(value)
    if text and (text[0] in _EXCEL_FORMULA_START or text[0] == "'" or _EXCEL_NUMBER_START.match(text)):
        return "'" + text
    return text


def report_text(cell: str) -> str:
    """A report cell without the apostrophe excel_safe() added to keep a number as text.

    Kept on a would-be formula, which stays neutralised even in a workbook.
    """
    if cell.startswith("'") and cell[1:2] not in _EXCEL_FORMULA_CHARS:
        return cell[1:]
    return cell
