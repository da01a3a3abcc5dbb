"""The importer's refusal reasons reach staff in Hindi (catalogue completeness: tests/test_translations.py)."""

from __future__ import annotations

from django.utils import translation

from imports.reasons import FILE_ERRORS, ROW_REASONS


def test_the_refusal_reasons_read_in_hindi_when_the_language_is_hindi() -> None:
    with translation.override("hi"):
        reasons = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}
    with translation.override("en"):
        english = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}

    assert [code for code in reasons if reasons[code] == english[code]] == []
    assert reasons["scientific_notation"].startswith("संख्या Excel")
