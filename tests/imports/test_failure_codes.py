"""A batch that fails says why with a code staff have words for, whoever found the fault."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from imports.models import ImportBatch
from imports.reasons import FILE_ERRORS


def test_the_failure_codes_are_the_codes_staff_have_words_for() -> None:
    assert set(ImportBatch.FailureCode.values) == set(FILE_ERRORS)


def test_every_code_the_reader_refuses_a_file_with_is_a_failure_code() -> None:
    sources = (Path(settings.BASE_DIR) / "imports").rglob("*.py")
    codes = {code for path in sources for code in re.findall(r'FileRefused\(\s*"(\w+)"', path.read_text())}

    assert "no_header" in codes
    assert codes <= set(ImportBatch.FailureCode.values)
