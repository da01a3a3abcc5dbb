"""Pictures within our limits that zxing-cpp refuses: "could not be read", as for a broken picture.

zxing-cpp reads at most 65,535 pixels a side and raised ValueError on a 65536x1 picture (64 kilopixels,
far inside the 12-megapixel limit): the QR page answered 500.
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from safety.qr import image_validate, qr_read
from tests.safety.test_qr import blank_png, registry_with_official_upi

WIDE = (65536, 1)
TALL = (1, 65536)


@pytest.mark.parametrize("size", [WIDE, TALL])
def test_it_reads_no_qr_code_from_a_65536_by_1_picture(size: tuple[int, int]) -> None:
    with pytest.raises(ValidationError) as error:
        qr_read(image_validate(blank_png(*size)), registry_with_official_upi())

    assert error.value.code == "unreadable"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,text",
    [("hi", "यह तस्वीर पढ़ी नहीं जा सकी"), ("en", "This picture could not be read. Please send another one.")],
)
def test_the_qr_page_says_a_65536_by_1_picture_could_not_be_read(client, language: str, text: str) -> None:
    client.cookies["django_language"] = language

    response = client.post("/check/qr/", {"image": SimpleUploadedFile("qr.png", blank_png(*WIDE))})

    assert response.status_code == 200  # as for any picture that cannot be read: the form, with why
    html = response.content.decode()
    assert text in html
    assert 'aria-invalid="true"' in html
    assert "verdict" not in html


@pytest.mark.django_db
def test_a_picture_the_decoder_refuses_is_logged_as_a_warning_without_the_picture(client, caplog) -> None:
    caplog.set_level(logging.INFO)

    client.post("/check/qr/", {"image": SimpleUploadedFile("12345678.png", blank_png(*WIDE))})

    [refusal] = [record for record in caplog.records if record.name == "safety.qr"]
    assert refusal.levelname == "WARNING"
    assert refusal.getMessage() == "qr picture refused by the decoder: ValueError, 65536x1 pixels"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not any("12345678" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_report_page_takes_a_65536_by_1_screenshot_without_decoding_it(client) -> None:
    # The report's screenshot is checked and re-encoded by Pillow, never given to zxing-cpp.
    data = {"channel": "sms", "suspect": "9876543210", "money_lost": "no"}
    response = client.post("/report/", {**data, "screenshot": SimpleUploadedFile("s.png", blank_png(*WIDE))})

    assert response.status_code == 302
