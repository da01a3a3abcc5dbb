"""An answer names the number it is for and its date; a miss, the same for every kind, names the division offices."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_TOKEN_LENGTH

from safety.demo import load_safety_demo
from safety.models import OfficialContact
from tests.helpers import anita_without_mobile, page_text, ramesh

pytestmark = pytest.mark.django_db

LOOKUP = "/lookup/"
# 23:30 UTC on 6 December is already 7 December in Kanpur.
LATE_UTC = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)


def in_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def answer(client, old: str, mobile: str) -> str:
    return client.post(LOOKUP, {"old_account_number": old, "mobile_last4": mobile}).content.decode()


def without_csrf_token(html: str) -> str:
    return re.sub(rf'value="[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}"', 'value="TOKEN"', html)


@pytest.mark.parametrize(
    ("language", "label", "date"),
    [("hi", "आपकी लिखी पुरानी खाता संख्या", "7 दिसंबर 2026"), ("en", "Old account number you typed", "7 Dec 2026")],
)
def test_it_shows_the_old_number_typed_and_the_date_in_ist_beside_a_match(client, monkeypatch, language, label, date):
    ramesh()
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATE_UTC)
    in_language(client, language)
    html = answer(client, "1234-5678", "4321")
    assert label in html
    assert '<dd class="old-number" id="old-number">12345678</dd>' in html
    assert date in html
    assert "9912345678" in page_text(html)


@pytest.mark.parametrize("language", ["hi", "en"])
def test_already_your_new_number_shows_what_was_typed_and_a_copy_button(client, language):
    ramesh()
    in_language(client, language)
    html = answer(client, "9912345678", "4321")
    assert '<dd class="old-number" id="old-number">9912345678</dd>' in html
    assert 'id="new-number"' in html and 'id="copy-number"' in html
    assert "js/copy" in html


@pytest.mark.parametrize("language", ["hi", "en"])
def test_a_miss_shows_no_number_and_no_date(client, language):
    ramesh()
    in_language(client, language)
    html = answer(client, "12345678", "9999")
    assert 'id="old-number"' not in html
    assert "12345678" not in page_text(html)
    assert 'id="copy-number"' not in html


@pytest.mark.parametrize(
    ("language", "heading", "office", "badge", "how"),
    [
        (
            "hi",
            "खंड (डिवीज़न) कार्यालय",
            "डेमो खंड कार्यालय A (किदवई नगर; काल्पनिक)",
            "डेमो प्रविष्टि",
            "दर्ज (रजिस्टर्ड) मोबाइल नंबर बदलवाना",
        ),
        (
            "en",
            "Division offices",
            "Demo division office A (Kidwai Nagar; invented)",
            "Demo entry: not yet verified by KESCO staff",
            "Getting your registered mobile number updated",
        ),
    ],
)
def test_a_miss_lists_the_division_offices_in_the_page_language_marked_as_demo(
    client, language, heading, office, badge, how
):
    load_safety_demo()
    in_language(client, language)
    html = answer(client, "87654321", "4321")
    offices = html.split('<section class="offices"', 1)[1].split("</section>", 1)[0]
    assert heading in offices and office in offices
    assert offices.count('class="demo-badge"') == 3
    assert offices.count(badge) == 3
    assert 'href="tel:05120000001"' in offices
    assert how in html
    # How to get the mobile updated names the helpline as a tap-to-call link.
    assert '<a class="tel" href="tel:1912">1912</a>' in html.split(how, 1)[1]


def test_a_verified_office_has_no_demo_label(client):
    OfficialContact.objects.create(
        kind=OfficialContact.Kind.DIVISION_OFFICE,
        name_hi="नगर खंड",
        name_en="City division",
        address_hi="मॉल रोड, कानपुर",
        address_en="Mall Road, Kanpur",
        value="0512 234 5678",
        is_demo=False,
    )
    html = answer(client, "87654321", "4321")
    offices = html.split('<section class="offices"', 1)[1].split("</section>", 1)[0]
    assert "मॉल रोड, कानपुर" in offices and "Mall Road" not in offices
    assert "demo-badge" not in offices


def test_every_kind_of_miss_lists_the_same_offices_byte_for_byte(client):
    load_safety_demo()
    ramesh()
    anita_without_mobile()
    pages = {
        without_csrf_token(answer(client, old, mobile))
        for old, mobile in (("87654321", "4321"), ("12345678", "9999"), ("22223333", "4321"))
    }
    assert len(pages) == 1
    assert "Demo division office" not in pages.pop()  # Hindi by default: the English text is not there


def test_the_language_switch_on_a_miss_keeps_the_offices(client):
    load_safety_demo()
    response = client.post(LOOKUP, {"old_account_number": "", "mobile_last4": "", "page": "no_match", "language": "en"})
    assert "Demo division office A" in response.content.decode()


def test_an_office_phone_counts_as_official_in_the_checker(client):
    OfficialContact.objects.create(
        kind=OfficialContact.Kind.DIVISION_OFFICE, name_hi="नगर खंड", name_en="City division", value="0512 234 5678"
    )
    in_language(client, "en")
    html = client.post("/check/", {"message": "0512-2345678"}).content.decode()
    assert "An official KESCO number." in html


@pytest.mark.parametrize(
    ("language", "address"), [("hi", "KESCO के खंड कार्यालय, कानपुर"), ("en", "KESCO division offices")]
)
def test_payment_channels_show_a_counter_address_in_the_page_language(client, language, address):
    load_safety_demo()
    in_language(client, language)
    channels = client.get("/").content.decode().split('<section class="channels"', 1)[1]
    assert address in channels
