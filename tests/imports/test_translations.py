"""The importer's Hindi catalogue is complete: no empty or fuzzy msgstr, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.utils import translation

from imports.reasons import FILE_ERRORS, ROW_REASONS

CATALOG = Path(__file__).resolve().parents[2] / "imports" / "locale" / "hi" / "LC_MESSAGES" / "django.po"
_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_hindi_message_of_the_importer_is_translated_and_none_is_fuzzy() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)

    assert not catalog.fuzzy
    messages = [message for message in catalog if message.id]
    assert len(messages) > 50
    untranslated = [message.id for message in messages if not message.string]
    fuzzy = [message.id for message in messages if message.fuzzy]
    broken = [
        message.id
        for message in messages
        if sorted(_PLACEHOLDER.findall(message.id)) != sorted(_PLACEHOLDER.findall(message.string))
    ]
    assert (untranslated, fuzzy, broken) == ([], [], [])


def test_the_refusal_reasons_read_in_hindi_when_the_language_is_hindi() -> None:
    with translation.override("hi"):
        reasons = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}
    with translation.override("en"):
        english = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}

    assert [code for code in reasons if reasons[code] == english[code]] == []
    assert reasons["scientific_notation"].startswith("संख्या Excel")
