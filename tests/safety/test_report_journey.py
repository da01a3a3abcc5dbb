"""Reporting, joined up: what a check found is carried to the report form, and a sent report has a reference."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from safety.models import ScamReport
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

SMS_SCAM = "VM-KESCOB: Your bill is not updated. Power will be cut tonight. Call officer 9876543210"
SCAM_UPI = "kesco.bill@okaxis"


def in_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def hidden_values(form_html: str) -> dict[str, str]:
    return {
        name: html_lib.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form_html)
    }


def report_start_form(page: str) -> str:
    return page.split('<form class="report-start"', 1)[1].split("</form>", 1)[0]


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', page)
    return html_lib.unescape(match.group(1)) if match else ""


def qr_picture(text: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5)
    return SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")


def test_report_this_carries_the_sender_id_the_sms_channel_and_the_text_in_a_post(client):
    page = client.post("/check/", {"message": SMS_SCAM}).content.decode()
    form = report_start_form(page)
    assert 'method="post"' in page.split('<form class="report-start"', 1)[1][:120]
    assert hidden_values(form) == {
        "csrfmiddlewaretoken": hidden_values(form)["csrfmiddlewaretoken"],
        "prefill": "1",
        "channel": "sms",
        "suspect": "KESCOB",
        "message_text": SMS_SCAM,
    }


def test_report_this_carries_a_suspect_phone_number_when_there_is_no_sender_id(client):
    form = report_start_form(client.post("/check/", {"message": "Call 9876543210 now or power cut"}).content.decode())
    values = hidden_values(form)
    assert (values["channel"], values["suspect"]) == ("", "+919876543210")


@pytest.mark.parametrize(
    ("language", "label"), [("hi", "उन्होंने आपसे कैसे संपर्क किया?"), ("en", "How did they contact you?")]
)
def test_the_report_form_opens_filled_in_with_what_was_found_and_stores_nothing(client, language, label):
    in_language(client, language)
    values = hidden_values(report_start_form(client.post("/check/", {"message": SMS_SCAM}).content.decode()))
    page = client.post("/report/", values).content.decode()
    assert label in page
    assert field_value(page, "suspect") == "KESCOB"
    assert re.search(r'<input type="radio" name="channel" value="sms"[^>]*checked', page)
    assert "Power will be cut tonight" in page
    assert ScamReport.objects.count() == 0
    # Sent as it stands, it is saved with what the checker found.
    values = {"channel": "sms", "suspect": "KESCOB", "message_text": SMS_SCAM, "money_lost": "no"}
    assert client.post("/report/", values).status_code == 302
    assert ScamReport.objects.get().suspect == "KESCOB"


def test_a_prefill_with_an_unknown_channel_or_oversized_values_is_trimmed_not_refused(client):
    page = client.post(
        "/report/", {"prefill": "1", "channel": "pigeon", "suspect": "9" * 500, "message_text": "x" * 50_000}
    ).content.decode()
    assert page.count("checked") == 0
    assert field_value(page, "suspect") == "9" * 60
    assert "x" * settings.SAFETY_MESSAGE_MAX_CHARS in page and "x" * (settings.SAFETY_MESSAGE_MAX_CHARS + 1) not in page
    assert ScamReport.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "button", "text"),
    [
        ("hi", "इस QR कोड की शिकायत KESCO से करें", "जिसमें नाम"),
        ("en", "Report this QR code to KESCO", 'with the name "KESCO Bill Desk" written in it'),
    ],
)
def test_a_qr_check_has_a_report_button_carrying_the_upi_id_and_payee_name(client, language, button, text):
    in_language(client, language)
    picture = qr_picture(f"upi://pay?pa={SCAM_UPI}&pn=KESCO%20Bill%20Desk&am=1500")
    page = client.post("/check/qr/", {"image": picture}).content.decode()
    assert button in page
    values = hidden_values(report_start_form(page))
    assert values["suspect"] == SCAM_UPI
    assert SCAM_UPI in values["message_text"] and "KESCO Bill Desk" in values["message_text"]
    assert text in values["message_text"]
    filled = client.post("/report/", values).content.decode()
    assert field_value(filled, "suspect") == SCAM_UPI
    assert "KESCO Bill Desk" in filled
    assert ScamReport.objects.count() == 0


def test_a_qr_code_holding_a_web_link_has_no_upi_report_button(client):
    page = client.post("/check/qr/", {"image": qr_picture("https://kesco.co.in.pay-now.xyz")}).content.decode()
    assert "report-start" not in page


@pytest.mark.parametrize(
    ("language", "words"), [("hi", "आपकी रिपोर्ट की संदर्भ संख्या:"), ("en", "Your report's reference:")]
)
def test_the_thank_you_page_gives_a_short_reference_with_nothing_personal_in_it(client, language, words):
    in_language(client, language)
    values = {"channel": "sms", "suspect": "+91 98765 43210", "message_text": "pay now", "money_lost": "no"}
    page = client.post("/report/", values, follow=True).content.decode()
    report = ScamReport.objects.get()
    assert re.fullmatch(r"[2346789ABCDEFGHJKMNPQRTUVWXYZ]{8}", report.reference)
    assert words in page
    assert f'<strong id="report-reference">{report.reference}</strong>' in page
    assert "98765" not in report.reference


def test_every_report_gets_its_own_reference():
    references = {ScamReport.objects.create(channel="sms").reference for _ in range(50)}
    assert len(references) == 50


@pytest.fixture
def staff_client(client):
    admin = get_user_model().objects.create_superuser("asha", "asha@example.com", "a-long-test-password")
    sign_in(client, admin)
    return client


def test_staff_find_a_report_by_its_reference_in_the_admin(staff_client):
    wanted = ScamReport.objects.create(channel="sms", suspect="KESCOB", contact="ravi@example.com")
    other = ScamReport.objects.create(channel="call", suspect="+919876543210")
    page = staff_client.get("/staff/safety/scamreport/", {"q": wanted.reference.lower()}).content.decode()
    assert f"/staff/safety/scamreport/{wanted.pk}/change/" in page
    assert f"/staff/safety/scamreport/{other.pk}/change/" not in page


def test_the_admin_search_does_not_look_in_the_consumers_own_data(staff_client):
    report = ScamReport.objects.create(channel="sms", suspect="KESCOB", contact="ravi@example.com", message_text="mera")
    for personal in ("ravi@example.com", "mera"):
        page = staff_client.get("/staff/safety/scamreport/", {"q": personal}).content.decode()
        assert f"/staff/safety/scamreport/{report.pk}/change/" not in page
