"""The importer's refusal reasons reach staff in Hindi (the catalogue is complete: tests/kesco_lookup/)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from imports.reasons import FILE_ERRORS, ROW_REASONS

CATALOGUE = Path(settings.BASE_DIR) / "imports/locale/hi/LC_MESSAGES/django.po"

# "खाता संख्या" (account number) is feminine: पुरानी/नई, दी गई, की है. The masculine forms below are
# the mistakes a reviewer found; none may come back.
_MASCULINE_WITH_SANKHYA = re.compile(
    r"(?:पुराना|पुराने|नया|नए|नये)\s+खाता\s+संख्या"
    r"|खाता\s+संख्या\S*\s+(?:का है|को दिया गया)"
    r"|संख्याओं को दिया गया"
    r"|बदले गए\s+\S+\s+नए"
)


def test_the_refusal_reasons_read_in_hindi_when_the_language_is_hindi() -> None:
    with translation.override("hi"):
        reasons = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}
    with translation.override("en"):
        english = {code: str(text) for code, text in {**ROW_REASONS, **FILE_ERRORS}.items()}

    assert [code for code in reasons if reasons[code] == english[code]] == []
    assert reasons["scientific_notation"].startswith("संख्या Excel")


def test_it_treats_account_number_as_feminine_in_hindi() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="hi")
    translations = [
        string
        for message in catalogue
        if message.id
        for string in (message.string if isinstance(message.string, tuple) else (message.string,))
    ]

    assert [text for text in translations if _MASCULINE_WITH_SANKHYA.search(text)] == []
    with translation.override("hi"):
        assert str(ROW_REASONS["invalid_old"]) == ("पुरानी खाता संख्या सही नहीं है: इसमें केवल अंक हों और अंकों की गिनती सही हो।")
        assert str(ROW_REASONS["new_number_taken"]) == "यह नई खाता संख्या पहले से किसी दूसरी पुरानी खाता संख्या की है।"
