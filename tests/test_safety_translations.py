"""The safety pages really come out in Hindi (catalogue completeness: tests/test_translations.py)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_check_result_is_in_hindi_by_default(client):
    html = client.post("/check/", {"message": "aaj raat bijli kat jayegi, call 9876543210"}).content.decode()
    assert "यह ठगी लगती है" in html
    assert "इसमें जल्द" in html
    assert "Likely a scam" not in html
