"""Excel's damage to number cells, told apart before the normaliser sees them."""

from __future__ import annotations

import re

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_EXCEL_DECIMAL = re.compile(r"^\d+[.,]0+$")


def raw_number_problem(value: object) -> str | None:
    """Excel damage that the normaliser must never see (it would strip the dot and keep going).

    Returns a row reason code, or None when the value may go to the normaliser.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return "excel_number"
    if isinstance(value, int):
        return None  # an XLSX number cell; its length is judged by the caller
    if isinstance(value, str):
        compact = "".join(value.split())
        if _SCIENTIFIC.match(compact):
            return "scientific_notation"
        if _EXCEL_DECIMAL.match(compact):
            return "excel_number"
    return None
