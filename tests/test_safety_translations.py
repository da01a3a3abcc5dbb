"""The safety app's Hindi catalogue is complete, and the pages really come out in Hindi."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "safety" / "locale" / "hi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def messages():
    with CATALOGUE.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def test_no_hindi_translation_is_empty_or_fuzzy():
    assert len(messages()) > 150
    for message in messages():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), message.id
        assert not message.fuzzy, message.id


def test_every_translation_keeps_the_placeholders_of_its_original():
    for message in messages():
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(originals)))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, message.id


@pytest.mark.django_db
def test_the_check_result_is_in_hindi_by_default(client):
    html = client.post("/check/", {"message": "aaj raat bijli kat jayegi, call 9876543210"}).content.decode()
    assert "यह ठगी लगती है" in html
    assert "इसमें जल्द" in html
    assert "Likely a scam" not in html
