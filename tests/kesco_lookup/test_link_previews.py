"""Safe to share: a link to a public page, pasted into WhatsApp or X, shows a card in the page's language
with the official title, a description and the site's own picture (Open Graph and Twitter tags)."""

from __future__ import annotations

import html as htmllib
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image

from safety.models import OfficialContact
from tests.kesco_lookup.headers import PolicyWatch
from tests.safety.helpers import verified_contact

pytestmark = pytest.mark.django_db

SITE = "https://lookup.example"
PUBLIC_ADDRESSES = ["/", "/en/", "/check/", "/en/check/", "/check/qr/", "/en/check/qr/", "/report/", "/en/report/"]
PICTURE_MAX_BYTES = 40 * 1024


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def card(html: str) -> dict[str, str]:
    """The page's Open Graph and Twitter tags: {"og:title": ..., "twitter:card": ...}."""
    tags = re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)">', html)
    return {name: htmllib.unescape(value) for name, value in tags}


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_each_public_page_has_a_card_in_its_language(client, address):
    html = client.get(address).content.decode()
    tags = card(html)
    english = address.startswith("/en/")
    assert tags["og:type"] == "website"
    assert tags["og:url"] == SITE + address
    assert tags["og:title"] == htmllib.unescape(re.search(r"<title>(.*?)</title>", html).group(1))
    assert "KESCO" in tags["og:title"]
    assert tags["og:description"] and len(tags["og:description"]) <= 200
    assert tags["og:locale"] == ("en_IN" if english else "hi_IN")
    assert tags["og:locale:alternate"] == ("hi_IN" if english else "en_IN")
    assert tags["og:image"] == f"{SITE}/static/img/share-{'en' if english else 'hi'}.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    devanagari = re.compile("[\u0900-\u097f]")
    for name in ("og:title", "og:description", "og:site_name", "og:image:alt"):
        assert bool(devanagari.search(tags[name])) is not english, name


@pytest.mark.parametrize(
    "address,title",
    [("/", "KESCO: अपनी नई खाता संख्या खोजें - आधिकारिक"), ("/en/", "KESCO: find your new account number - official")],
)
def test_the_home_pages_card_says_find_your_new_account_number_official(client, address, title):
    assert card(client.get(address).content.decode())["og:title"] == title


def test_answers_to_posts_have_no_card(client):
    answer = client.post("/check/", {"message": "Pay your bill at http://kesco-bill.in"}).content.decode()
    assert card(answer) == {}


@pytest.mark.parametrize("language", ["hi", "en"])
def test_the_picture_is_the_sites_own_small_and_the_size_the_tags_say(client, language):
    path = urlsplit(card(client.get("/" if language == "hi" else "/en/").content.decode())["og:image"]).path
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert len(body) <= PICTURE_MAX_BYTES
    assert Image.open(io.BytesIO(body)).size == (1200, 630)


def test_the_two_pictures_differ():
    pictures = [(settings.BASE_DIR / "static" / "img" / f"share-{code}.png").read_bytes() for code in ("hi", "en")]
    assert pictures[0] != pictures[1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_reads_the_structured_data_and_refuses_nothing(browser, live_server):
    verified_contact(kind=OfficialContact.Kind.PHONE, value="1912", name_en="Electricity helpline")
    context = browser.new_context()
    watch = PolicyWatch(context)
    page = context.new_page()
    for address in ("/", "/en/"):
        page.goto(live_server.url + address)
        watch.visited(page, address)
        text = page.locator('script[type="application/ld+json"]').text_content()
        data = page.evaluate("text => JSON.parse(text)", text)
        assert data == json.loads(text) and data["provider"]["contactPoint"][0]["telephone"] == "1912"
    watch.assert_none()
    context.close()
