"""Hindi first, whatever the phone asks for; English one click away."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_speaks_hindi_even_when_the_browser_asks_for_english():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert "अपनी नई खाता संख्या खोजें" in html
    assert response["Content-Language"] == "hi"


def test_it_offers_english_as_a_one_click_form_that_works_without_javascript():
    html = Client().get("/check/qr/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html


def test_it_switches_to_english_and_remembers_it():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Find your new account number" in html
    assert 'name="language" value="hi"' in html


def test_it_switches_back_to_hindi():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    assert "अपनी नई खाता संख्या खोजें" in client.get("/").content.decode()


def test_it_ignores_an_unknown_language_cookie():
    client = Client()
    client.cookies["django_language"] = "fr"
    assert '<html lang="hi">' in client.get("/").content.decode()


def test_it_varies_cached_pages_by_cookie():
    assert "Cookie" in Client().get("/")["Vary"]


@pytest.mark.parametrize("language,text", [("hi", "पेज नहीं मिला"), ("en", "Page not found")])
def test_it_shows_the_404_page_in_the_consumers_language(language, text):
    client = Client()
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_it_shows_the_500_page_in_hindi(rf):
    from django.utils import translation

    from kesco_lookup.views import server_error

    with translation.override("hi"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "कुछ गड़बड़ हो गई" in response.content.decode()


def test_it_translates_form_errors_into_english_after_the_switch():
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.post("/lookup/", {"old_account_number": "12", "mobile_last4": "1"}).content.decode()
    assert "This number must have 6 to 12 digits; it has 2." in html
    assert "Please enter exactly the last 4 digits of your registered mobile number." in html
