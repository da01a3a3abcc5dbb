"""Found by search: the public pages are indexable at an address per language, everything else says
noindex, and robots.txt and the sitemap name the public pages from SITE_URL (README, 'Search and
sharing')."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from safety.demo import load_safety_demo
from tests.helpers import ramesh, sign_in
from tests.staff.helpers import member_of_staff

pytestmark = pytest.mark.django_db

SITE = "https://lookup.example"
NOINDEX_META = '<meta name="robots" content="noindex">'
# Each public page at its Hindi and its English address.
PUBLIC = [("/", "/en/"), ("/check/", "/en/check/"), ("/check/qr/", "/en/check/qr/"), ("/report/", "/en/report/")]
PUBLIC_ADDRESSES = [address for pair in PUBLIC for address in pair]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def head(html: str) -> str:
    return html.split("<head>", 1)[1].split("</head>", 1)[0]


def links(html: str) -> dict[str, str]:
    """rel=canonical and each hreflang alternate of a page: {"canonical": url, "hi": url, ...}."""
    found = dict(("canonical", url) for url in re.findall(r'<link rel="canonical" href="([^"]+)">', html))
    found.update(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    return found


def is_noindex(response) -> bool:  # type: ignore[no-untyped-def]
    in_header = "noindex" in response.get("X-Robots-Tag", "")
    content = response.content.decode() if not response.streaming else ""
    in_page = "<head>" in content and NOINDEX_META in head(content)
    return in_header or in_page


# --- Which answers may be indexed -----------------------------------------------------------------


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_it_lets_search_engines_index_each_public_page_in_each_language(client, address):
    response = client.get(address)
    page = head(response.content.decode())
    assert response.status_code == 200
    assert not is_noindex(response)
    assert "noindex" not in page
    description = re.search(r'<meta name="description" content="([^"]{60,})">', page)
    assert description, "a description of what the page is for"
    language = "en" if address.startswith("/en/") else "hi"
    assert response["Content-Language"] == language
    # In the page's language: Devanagari in the Hindi description, none in the English one.
    assert bool(re.search("[\u0900-\u097f]", description.group(1))) is (language == "hi")


@pytest.mark.parametrize(
    "language,title,description",
    [
        ("hi", "KESCO: अपनी नई खाता संख्या खोजें - आधिकारिक", "पुरानी खाता संख्या से नई KESCO खाता संख्या"),
        ("en", "KESCO: find your new account number - official", "Find your new KESCO account number from the old one"),
    ],
)
def test_the_home_page_says_what_a_consumer_searches_for(client, language, title, description):
    html = client.get("/" if language == "hi" else "/en/").content.decode()
    assert f"<title>{title}</title>" in html
    assert f'<meta name="description" content="{description}' in html


def _answers_to_posts(client: Client) -> dict[str, object]:
    ramesh()
    return {
        "a lookup's match": client.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}),
        "a lookup's miss (English)": client.post(
            "/en/lookup/", {"old_account_number": "87654321", "mobile_last4": "4321"}
        ),
        "the home form with errors": client.post("/lookup/", {"old_account_number": "12", "mobile_last4": ""}),
        "the home form, language switched": client.post("/en/lookup/", {"old_account_number": "1", "language": "hi"}),
        "a message check's answer": client.post("/check/", {"message": "Pay at http://kesco-bill.in now"}),
        "a QR check's form with errors": client.post("/en/check/qr/", {}),
        "the report form with errors": client.post("/report/", {"channel": ""}),
    }


def test_answers_to_posts_are_never_indexed(client):
    for name, response in _answers_to_posts(client).items():
        assert response.status_code == 200, name
        assert is_noindex(response), name
        assert "noindex" in response["X-Robots-Tag"], name
        assert 'rel="canonical"' not in response.content.decode(), name


def test_limits_errors_reports_and_the_staff_side_are_never_indexed(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup_per_ip_minute": "1/m"}
    client.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "0000"})
    answers = {
        "429": client.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "0000"}),
        "the limited notice": client.get("/limited/?minutes=5"),
        "404": client.get("/no-such-page/"),
        "404 in English": client.get("/en/no-such-page/"),
        "the report-sent page": client.post(
            "/report/", {"channel": "sms", "suspect": "VM-KESCOB", "money_lost": "no"}, follow=True
        ),
        "the staff sign-in": client.get("/staff/login/"),
        "the API": client.post("/api/v1/lookup", "{}", content_type="application/json"),
        "a redirect": client.get("/lookup/"),
        "the language switch": client.post("/i18n/setlang/", {"language": "en", "next": "/"}),
    }
    assert answers["429"].status_code == 429
    assert answers["the report-sent page"].redirect_chain[-1][0] == "/report/thanks/"
    for name, response in answers.items():
        assert "noindex" in response.get("X-Robots-Tag", ""), name
    staff = sign_in(Client(), member_of_staff("seo-admin", superuser=True)).get("/staff/")
    assert staff.status_code == 200 and is_noindex(staff)


def test_the_503_page_of_a_public_address_is_never_indexed(client, monkeypatch):
    # The database down while a public page is asked for: the 503 page at the public page's address.
    from django.db import OperationalError

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("could not connect")

    monkeypatch.setattr("accounts.views.page_payment_channels_list", down)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert is_noindex(response) and NOINDEX_META in response.content.decode()
    assert 'rel="canonical"' not in response.content.decode()


# --- Addresses: one per language, each naming the other ---------------------------------------------


@pytest.mark.parametrize("hindi,english", PUBLIC)
def test_each_language_has_its_own_address_and_names_the_other(client, hindi, english):
    hindi_links = links(client.get(hindi).content.decode())
    english_links = links(client.get(english).content.decode())
    expected = {"hi": SITE + hindi, "en": SITE + english, "x-default": SITE + hindi}
    assert hindi_links == {"canonical": SITE + hindi, **expected}
    assert english_links == {"canonical": SITE + english, **expected}


def test_addresses_come_from_site_url_never_from_the_host_header(client):
    html = client.get("/en/check/?utm_source=whatsapp", HTTP_HOST="testserver").content.decode()
    assert links(html)["canonical"] == SITE + "/en/check/"
    assert "testserver" not in head(html) and "utm_source" not in head(html)


def test_english_pages_link_to_english_addresses(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert 'action="/en/lookup/#error-summary"' in html
    assert 'href="/en/check/"' in html and 'href="/en/report/"' in html


def test_a_consumer_who_chose_english_still_gets_english_at_the_root(client):
    # Rendered there (no redirect: a round trip on a slow line), naming the English address canonical.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html
    assert links(html)["canonical"] == SITE + "/en/"
    assert "Cookie" in response["Vary"]


def test_an_english_address_is_english_whatever_the_cookie_says(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert '<html lang="en">' in client.get("/en/check/").content.decode()


@pytest.mark.parametrize("address", ["/en/api/v1/lookup", "/en/staff/", "/en/healthz", "/en/i18n/setlang/", "/hi/"])
def test_only_the_consumer_pages_have_english_addresses(client, address):
    assert client.get(address).status_code == 404


def test_the_language_button_goes_to_the_other_languages_address(client):
    html = client.get("/en/check/qr/").content.decode()
    assert '<input type="hidden" name="next" value="/en/check/qr/">' in html
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/en/check/qr/"})
    assert response.status_code == 302 and response["Location"] == "/check/qr/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert '<html lang="hi">' in client.get(response["Location"]).content.decode()


def test_the_switch_on_a_form_keeps_what_was_typed_and_posts_to_the_other_address(client):
    html = client.get("/en/check/").content.decode()
    button = re.search(r'<button [^>]*name="language" value="hi"[^>]*>', html).group(0)
    assert 'formaction="/check/"' in button
    typed = "Your bill is not updated, pay at http://kesco-bill.in"
    response = client.post("/check/", {"message": typed, "language": "hi"})
    answer = response.content.decode()
    assert '<html lang="hi">' in answer and typed in answer
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert 'action="/check/#error-summary"' in answer


# --- robots.txt and the sitemap ---------------------------------------------------------------------


def test_robots_txt_allows_the_public_pages_and_keeps_crawlers_out_of_staff_and_the_api(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /staff/", "Disallow: /api/", "Allow: /"} <= set(lines)
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "noindex" not in response.get("X-Robots-Tag", "")
    # Nothing public is disallowed.
    disallowed = [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow:")]
    assert not any(address.startswith(prefix) for address in PUBLIC_ADDRESSES for prefix in disallowed)


def test_the_sitemap_lists_each_public_page_in_both_languages_with_its_alternates(client, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(0):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own answer, not untrusted input)
    entries = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
        }
        for url in root.findall("s:url", SITEMAP_NS)
    }
    assert sorted(entries) == sorted(SITE + address for address in PUBLIC_ADDRESSES)
    for hindi, english in PUBLIC:
        expected = {"hi": SITE + hindi, "en": SITE + english, "x-default": SITE + hindi}
        assert entries[SITE + hindi] == entries[SITE + english] == expected


def test_the_sitemap_leaves_out_answers_and_the_staff_side(client):
    text = client.get("/sitemap.xml").content.decode()
    for address in ("/lookup/", "/report/thanks/", "/limited/", "/staff/", "/api/"):
        assert f"{SITE}{address}" not in text and f"{SITE}/en{address}" not in text


def test_the_public_pages_run_no_query_once_warm(client, django_assert_num_queries):
    load_safety_demo()
    for address in ("/", "/en/"):
        client.get(address)  # fills the registry's cached copies (safety/selectors.py)
        with django_assert_num_queries(0):
            assert client.get(address).status_code == 200
