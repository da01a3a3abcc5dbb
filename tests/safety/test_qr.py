"""QR codes: generated in the test with segno, decoded by the page; bad pictures refused."""

from __future__ import annotations

import io

import pytest
import segno
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from safety.checker import Registry, Verdict
from safety.models import OfficialContact
from safety.qr import image_validate, qr_read, upi_payment_parse

OFFICIAL_UPI = "kesco.demo@exampleupi"


def registry_with_official_upi() -> Registry:
    return Registry(domains={"kesco.co.in": False}, upi_ids={OFFICIAL_UPI: True})


def qr_png(content: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(content, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_jpeg(content: str) -> bytes:
    image = Image.open(io.BytesIO(qr_png(content))).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def blank_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def read(data: bytes):
    return qr_read(image_validate(data), registry_with_official_upi())


def test_it_reads_a_upi_payment_code_to_an_unknown_payee_as_a_scam():
    [content] = read(qr_png("upi://pay?pa=bijli.bill@ybl&pn=KESCO%20Official&am=10.00&cu=INR"))
    assert content.upi.payee_upi_ids == ("bijli.bill@ybl",)
    assert content.upi.payee_name == "KESCO Official"
    assert content.upi.amount == "10.00"
    assert content.check.verdict is Verdict.SCAM


def test_it_reads_a_upi_payment_code_to_the_official_payee_as_official():
    [content] = read(qr_jpeg(f"upi://pay?pa={OFFICIAL_UPI}&pn=KESCO"))
    assert content.upi.payee_upi_ids == (OFFICIAL_UPI,)
    assert content.upi.amount == ""
    assert content.check.verdict is Verdict.OFFICIAL


@pytest.mark.parametrize(
    "code",
    [
        f"upi://pay?pa={OFFICIAL_UPI}&pa=fraud@ybl&pn=KESCO",
        f"upi://pay?pa=fraud@ybl&pa={OFFICIAL_UPI}&pn=KESCO",
        f"upi://pay?pa={OFFICIAL_UPI}&PA=fraud@ybl",
        f"upi://pay?pa={OFFICIAL_UPI}#&pa=fraud@ybl",
    ],
)
def test_a_code_that_names_the_payee_twice_is_a_scam(code):
    # Apps disagree on which of two payees they pay; the page could show the official one.
    with translation.override("en"):
        [content] = read(qr_png(code))
    assert content.check.verdict is Verdict.SCAM
    assert "fraud@ybl" in content.upi.payee_upi_ids
    assert any("more than once" in f.reason for f in content.check.items)
    assert [f.is_official for f in content.check.items if f.shown == "fraud@ybl"] == [False]


def test_a_code_that_names_even_the_official_payee_twice_is_not_official():
    # KESCO's codes never repeat a parameter: the repeat is a reason of its own, whatever the values.
    with translation.override("en"):
        [content] = read(qr_png(f"upi://pay?pa={OFFICIAL_UPI}&pa={OFFICIAL_UPI}&pn=KESCO"))
    assert content.check.verdict is Verdict.SCAM
    assert any("more than once" in f.reason for f in content.check.items)


def test_a_code_that_repeats_the_amount_is_a_scam():
    [content] = read(qr_png(f"upi://pay?pa={OFFICIAL_UPI}&am=1&am=5000"))
    assert content.check.verdict is Verdict.SCAM


@pytest.mark.parametrize(
    "payee",
    [
        f"{OFFICIAL_UPI}/fraud",
        f"{OFFICIAL_UPI}.fraud",
        f"x{OFFICIAL_UPI}",
        f"{OFFICIAL_UPI}%00",
        f"{OFFICIAL_UPI};pa=fraud@ybl",
        f"{OFFICIAL_UPI} fraud@ybl",
    ],
)
def test_only_the_complete_official_payee_is_official(payee):
    [content] = read(qr_png(f"upi://pay?pa={payee}&pn=KESCO"))
    assert content.check.verdict is Verdict.SCAM
    assert not any(f.is_official for f in content.check.items)


@pytest.mark.parametrize(
    "code", ["upi://pay?pa=x@y&pn=KESCO", "upi://pay?pa=kesco&pn=KESCO", "upi://pay?pn=KESCO&am=10"]
)
def test_a_payee_that_is_not_in_the_registry_is_not_an_official_payee(code):
    # However short or odd the payee (or with none at all), only the registry's UPI IDs are official.
    [content] = read(qr_png(code))
    assert content.check.verdict is Verdict.SCAM
    [finding] = content.check.items
    assert not finding.is_official


def test_the_official_payee_is_official_in_any_case_and_with_spaces_around_it():
    [content] = read(qr_png("upi://pay?pa=%20KESCO.Demo@ExampleUPI%20&pn=Anyone"))
    assert content.upi.payee_upi_ids == (OFFICIAL_UPI,)
    assert content.check.verdict is Verdict.OFFICIAL


def test_it_checks_a_web_link_in_a_code_like_a_pasted_link():
    [content] = read(qr_png("https://kesco.co.in.pay-now.xyz/bill"))
    assert content.upi is None
    assert content.is_web_link
    assert content.check.verdict is Verdict.SCAM
    [official] = read(qr_png("https://www.kesco.co.in/pay"))
    assert official.check.verdict is Verdict.OFFICIAL


def test_a_code_holding_a_link_without_slashes_is_shown_as_a_web_link():
    # Browsers open https:\\evil-pay.com and https:evil-pay.com like https://evil-pay.com.
    for code in ("https:\\\\evil-pay.com/bill", "HTTPS:evil-pay.com/bill"):
        [content] = read(qr_png(code))
        assert content.is_web_link
        assert content.check.verdict is Verdict.SCAM


def test_a_picture_without_a_code_gives_no_content():
    assert read(blank_png(200, 200)) == []


def test_it_ignores_an_amount_that_is_not_a_number():
    assert upi_payment_parse("upi://pay?pa=a@ybl&am=NaN").amount == ""
    assert upi_payment_parse("upi://pay?pa=a@ybl&am=ten").amount == ""
    assert upi_payment_parse("https://kesco.co.in") is None


def test_it_refuses_a_file_that_only_pretends_to_be_a_png():
    with pytest.raises(ValidationError) as error:
        image_validate(b"<?php echo 'hello'; ?>")
    assert error.value.code == "not_image"


def test_it_refuses_a_gif_even_though_pillow_could_open_it():
    buffer = io.BytesIO()
    Image.new("L", (50, 50)).save(buffer, format="GIF")
    with pytest.raises(ValidationError) as error:
        image_validate(buffer.getvalue())
    assert error.value.code == "not_image"


def test_it_refuses_a_truncated_png():
    with pytest.raises(ValidationError) as error:
        image_validate(qr_png("https://kesco.co.in")[:120])
    assert error.value.code == "unreadable"


@override_settings(SAFETY_IMAGE_MAX_BYTES=1000)
def test_it_refuses_a_picture_over_the_byte_limit_before_opening_it():
    with pytest.raises(ValidationError) as error:
        image_validate(qr_png("https://kesco.co.in") + b"\0" * 1000)
    assert error.value.code == "too_large"


@override_settings(SAFETY_IMAGE_MAX_PIXELS=1_000_000)
def test_it_refuses_a_small_file_with_too_many_pixels():
    data = blank_png(2000, 2000)  # 4 megapixels that compress to a few kilobytes
    assert len(data) < 50_000
    with pytest.raises(ValidationError) as error:
        image_validate(data)
    assert error.value.code == "too_many_pixels"


@override_settings(SAFETY_IMAGE_MAX_PIXELS=10**12)
def test_it_refuses_a_decompression_bomb_that_pillow_warns_about(monkeypatch):
    # Our own pixel limit is out of the way: Pillow's bomb warning alone must be a refusal.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(ValidationError) as error:
        image_validate(blank_png(1200, 1000))  # above Pillow's warning threshold, below its error
    assert error.value.code == "too_many_pixels"
    with pytest.raises(ValidationError):
        image_validate(blank_png(3000, 3000))  # above twice the threshold: Pillow's own error


# --- The page ---------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "qr.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.django_db
def test_the_page_shows_the_payee_and_that_it_is_not_official(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        "/check/qr/", {"image": upload(qr_png("upi://pay?pa=bijli.bill@ybl&pn=KESCO&am=10"))}, follow=False
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "bijli.bill@ybl" in html
    assert "Likely a scam" in html
    assert "can only send money" in html


@pytest.mark.django_db
def test_the_page_shows_every_payee_a_code_names(client):
    OfficialContact.objects.create(kind="upi", name_hi="यूपीआई", name_en="UPI", value=OFFICIAL_UPI, is_demo=False)
    client.cookies["django_language"] = "en"
    code = f"upi://pay?pa={OFFICIAL_UPI}&pa=fraud@ybl&pn=KESCO"
    html = client.post("/check/qr/", {"image": upload(qr_png(code))}).content.decode()
    assert "Likely a scam" in html
    assert f"{OFFICIAL_UPI}, fraud@ybl" in html


@pytest.mark.django_db
def test_the_page_recognises_the_official_payee_from_the_registry(client):
    OfficialContact.objects.create(kind="upi", name_hi="यूपीआई", name_en="UPI", value=OFFICIAL_UPI, is_demo=False)
    client.cookies["django_language"] = "en"
    response = client.post("/check/qr/", {"image": upload(qr_png(f"upi://pay?pa={OFFICIAL_UPI}"))})
    assert "verdict-official" in response.content.decode()


@pytest.mark.django_db
def test_the_page_refuses_a_renamed_text_file_with_a_message_in_hindi(client):
    response = client.post("/check/qr/", {"image": upload(b"not a picture at all", name="qr.jpg")})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "verdict" not in html


@pytest.mark.django_db
@override_settings(SAFETY_IMAGE_MAX_BYTES=2000)
def test_the_page_refuses_an_oversized_upload_before_reading_it(client):
    response = client.post("/check/qr/", {"image": upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 200_000)})
    assert response.status_code == 413


@pytest.fixture
def decoded_qr_pictures(monkeypatch) -> list[int]:
    """Record every picture the QR page opens and decodes."""
    import safety.views

    decoded: list[int] = []
    real_image_validate = safety.views.image_validate

    def recording_image_validate(data: bytes):
        decoded.append(len(data))
        return real_image_validate(data)

    monkeypatch.setattr(safety.views, "image_validate", recording_image_validate)
    return decoded


@pytest.mark.django_db
def test_the_page_refuses_more_than_one_picture_in_a_request_without_decoding_any(client, decoded_qr_pictures):
    client.cookies["django_language"] = "en"
    pictures = [upload(qr_png("https://kesco.co.in")) for _ in range(3)]
    response = client.post("/check/qr/", {"image": pictures})
    assert response.status_code == 413
    assert "Please send only one picture" in response.content.decode()
    assert decoded_qr_pictures == []
    assert len(response.wsgi_request.FILES.getlist("image")) <= 1


@pytest.mark.django_db
@override_settings(SAFETY_IMAGE_MAX_BYTES=5000)
def test_many_small_file_parts_in_one_request_are_not_stored(client):
    # Each part is under the limit; together they are far over it. Django would keep them all.
    parts = [upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 4000, name=f"part{i}.png") for i in range(20)]
    response = client.post("/check/qr/", {"image": parts})
    assert response.status_code == 413
    stored = response.wsgi_request.FILES.getlist("image")
    assert len(stored) <= 1
    assert sum(part.size for part in stored) <= 5000


@pytest.mark.django_db
def test_the_page_shows_the_amount_with_indian_grouping(client):
    code = "upi://pay?pa=bijli.bill@ybl&pn=KESCO&am=125000.5"

    html = client.post("/check/qr/", {"image": upload(qr_png(code))}).content.decode()

    assert "₹1,25,000.50" in html


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1E%2B2000", "1" + "0" * 30, "1E-2000"])
def test_an_absurd_amount_in_a_code_is_shown_as_written_not_a_crash(client, amount):
    code = f"upi://pay?pa=bijli.bill@ybl&pn=KESCO&am={amount}"

    response = client.post("/check/qr/", {"image": upload(qr_png(code))})

    assert response.status_code == 200
    assert "bijli.bill@ybl" in response.content.decode()


def test_the_picture_size_in_the_help_text_follows_the_setting(client, settings, db):
    settings.SAFETY_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    for path in ("/check/qr/", "/report/"):
        assert "PNG या JPEG, 5 MB तक।" in client.get(path).content.decode()
