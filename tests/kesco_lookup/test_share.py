"""The "Share the official link" block: on the home page and every answer, in the page's language,
naming the configured address and never anything the consumer typed or was shown."""

from __future__ import annotations

import html as html_lib
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import segno
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

SITE = "https://lookup.example"
MATCH = {"old_account_number": "12345678", "mobile_last4": "4321"}
# Everything a match shows or was typed: the old and new numbers, the mobile's end, the name and division.
PERSONAL = ("12345678", "9912345678", "99123", "45678", "4321", "Ramesh", "R*****", "Kidwai")


def share_block(page: str) -> str:
    assert page.count('<section class="share no-print"') == 1
    return page.split('<section class="share no-print"', 1)[1].split("</section>", 1)[0]


def whatsapp_text(block: str) -> str:
    link = html_lib.unescape(re.search(r'href="(https://wa\.me/[^"]*)"', block).group(1))
    parts = urlsplit(link)
    assert (parts.netloc, parts.path) == ("wa.me", "/")
    return parse_qs(parts.query)["text"][0]


def qr_picture(text: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5)
    return SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def answers(client) -> dict[str, str]:
    ramesh()
    return {
        "home": client.get("/"),
        "lookup match": client.post("/lookup/", MATCH),
        "lookup no match": client.post("/lookup/", {**MATCH, "mobile_last4": "9999"}),
        "already new": client.post("/lookup/", {"old_account_number": "9912345678", "mobile_last4": "4321"}),
        "message check": client.post("/check/", {"message": "Pay 500 now at http://kesco-bill.in or call 9876543210"}),
        "QR check": client.post("/check/qr/", {"image": qr_picture("upi://pay?pa=kesco.bill@okaxis&pn=KESCO")}),
        "report answer": client.post(
            "/report/",
            {"channel": "sms", "suspect": "9876543210", "message_text": "pay now", "money_lost": "no"},
            follow=True,
        ),
    }


@pytest.mark.parametrize(
    ("language", "first_line", "second_line"),
    [
        (
            "hi",
            f"अपनी नई KESCO खाता संख्या आधिकारिक साइट पर देखें: {SITE}/",
            f"KESCO कभी भी WhatsApp पर या फ़ोन पर भुगतान नहीं माँगता; कोई भी संदेश यहाँ जाँचें: {SITE}/check/",
        ),
        (
            "en",
            f"Find your new KESCO account number on the official site: {SITE}/en/",
            f"KESCO never asks for payment on WhatsApp or by phone; check any message at {SITE}/en/check/",
        ),
    ],
)
def test_it_offers_the_official_link_in_the_pages_language_on_home_and_every_answer(
    client, language, first_line, second_line
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, response in answers(client).items():
        assert response.status_code == 200, name
        block = share_block(response.content.decode())
        assert whatsapp_text(block) == f"{first_line}\n{second_line}", name
        sms = html_lib.unescape(re.search(r'href="(sms:[^"]*)"', block).group(1))
        assert unquote(sms.removeprefix("sms:?&body=")) == f"{first_line}\n{second_line}", name
        home = first_line.rsplit(" ", 1)[1]  # the official address in the page's language
        assert f'<a href="{home}">{home}</a>' in block, name


def test_it_names_the_configured_address_never_the_requests_host(client):
    block = share_block(client.get("/", HTTP_HOST="127.0.0.1").content.decode())
    assert "127.0.0.1" not in block and "testserver" not in block
    assert SITE in whatsapp_text(block)


def test_the_share_block_of_a_match_holds_nothing_the_consumer_typed_or_was_shown(client):
    ramesh()
    page = client.post("/lookup/", MATCH).content.decode()
    assert "99123" in page and "Kidwai Nagar" in page  # the answer itself is there, with its numbers
    block = share_block(page)
    for personal in PERSONAL:
        assert personal not in block, personal
        assert personal not in unquote(block), personal


def test_a_printed_answer_leaves_the_share_block_out(client):
    ramesh()
    page = client.post("/lookup/", MATCH).content.decode()
    assert 'class="share no-print"' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_share_links_work_without_javascript_and_the_share_sheet_button_only_with_it(browser, live_server):
    ramesh()
    for javascript in (False, True):
        context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.locator("#id_old_account_number").fill(MATCH["old_account_number"])
        page.locator("#id_mobile_last4").fill(MATCH["mobile_last4"])
        page.locator("#lookup-form button.primary").click()
        expect(page.get_by_role("link", name="WhatsApp पर शेयर करें")).to_be_visible()
        expect(page.get_by_role("link", name="SMS से भेजें")).to_be_visible()
        # Desktop Chromium has no navigator.share: the button stays hidden, with or without script.
        expect(page.locator("#share-sheet")).to_be_hidden()
        if javascript:
            # Where the phone has a share sheet, the button appears and hands it the prewritten message.
            page.add_init_script("navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };")
            page.reload()  # the answer's POST again, now with navigator.share in place
            button = page.get_by_role("button", name="शेयर करने के और तरीके")
            expect(button).to_be_visible()
            button.click()
            shared = page.evaluate("window.sharedData")
            assert shared == {
                "text": f"अपनी नई KESCO खाता संख्या आधिकारिक साइट पर देखें: {SITE}/\n"
                f"KESCO कभी भी WhatsApp पर या फ़ोन पर भुगतान नहीं माँगता; कोई भी संदेश यहाँ जाँचें: {SITE}/check/"
            }
        context.close()
