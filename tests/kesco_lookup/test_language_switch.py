"""The language switch keeps what the consumer typed and the answer they got.

On pages with a form or a result the switch submits the page's own form with a `language` field
(plain HTML, no JavaScript); the view answers in the new language and sets the language cookie.
Numbers and messages travel only in POST bodies, never in a URL.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from safety.models import ScamReport
from tests.helpers import page_text, ramesh

pytestmark = pytest.mark.django_db

TYPICAL_SCAM = "आपका बिल अपडेट नहीं हुआ है, आज रात बिजली काट दी जाएगी। तुरंत 9876543210 पर कॉल करें"


def with_rate(**rules: str):
    return override_settings(RATE_LIMITS={**settings.RATE_LIMITS, **rules})


def switch_button(html: str) -> str:
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return re.search(r'<button type="submit" form="([^"]+)" formenctype="[^"]+" name="language"', header).group(1)


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """What the browser would send from the form with this id (its hidden and text inputs, textareas)."""
    form = re.search(rf'<form [^>]*id="{form_id}".*?</form>', html, re.DOTALL).group(0)
    fields = {
        name: htmllib.unescape(value)
        for name, value in re.findall(r'<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }
    fields.update(
        {
            name: htmllib.unescape(text)
            for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>\\n?(.*?)</textarea>', form, re.DOTALL)
        }
    )
    return fields


def press_the_switch(client: Client, html: str, action: str, language: str = "en", **typed: str):
    """Do what a browser does when the header's switch button is pressed: submit the page's form."""
    form_id = switch_button(html)
    fields = {**form_fields(html, form_id), **typed, "language": language}
    return client.post(action, fields)


def lookup(client: Client, old: str = "12345678", mobile: str = "4321"):
    return client.post("/lookup/", {"old_account_number": old, "mobile_last4": mobile})


# --- The lookup result ------------------------------------------------------------------------------


def test_it_shows_the_same_lookup_result_again_in_english():
    ramesh()
    client = Client()
    hindi = lookup(client).content.decode()
    assert switch_button(hindi) == "language-again"
    assert '<form id="language-again" action="/lookup/" method="post" hidden>' in hindi
    response = press_the_switch(client, hindi, "/lookup/")
    english = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in english and response["Content-Language"] == "en"
    assert "Your new account number" in english and "9912345678" in page_text(english)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-store" in response["Cache-Control"]
    # ...and back again, from the English page.
    back = press_the_switch(client, english, "/lookup/", language="hi").content.decode()
    assert "आपकी नई खाता संख्या" in back and "9912345678" in page_text(back)
    assert "अपनी नई खाता संख्या खोजें" in client.get("/").content.decode()


def test_the_cookie_it_sets_is_the_one_set_language_sets():
    ramesh()
    client = Client()
    ours = press_the_switch(client, lookup(client).content.decode(), "/lookup/").cookies[settings.LANGUAGE_COOKIE_NAME]
    django = Client().post("/i18n/setlang/", {"language": "en", "next": "/"}).cookies[settings.LANGUAGE_COOKIE_NAME]
    for attribute in ("max-age", "path", "domain", "secure", "httponly", "samesite"):
        assert ours[attribute] == django[attribute], attribute
    assert "Find your new account number" in client.get("/").content.decode()


def test_it_shows_already_the_new_number_again_in_english():
    ramesh()
    client = Client()
    english = press_the_switch(client, lookup(client, old="9912345678").content.decode(), "/lookup/")
    assert "This is already your new account number" in english.content.decode()


def test_rerunning_a_match_in_another_language_is_no_failed_attempt():
    ramesh()
    client = Client()
    with with_rate(lookup_failures_per_account_hour="1/h"):
        page = lookup(client).content.decode()
        for language in ("en", "hi", "en", "hi"):
            response = press_the_switch(client, page, "/lookup/", language=language)
            assert response.status_code == 200
            page = response.content.decode()
            assert "9912345678" in page_text(page)
        # No failure was counted: the first wrong try is still answered, the second is refused.
        assert lookup(client, mobile="0000").status_code == 200
        assert lookup(client, mobile="0001").status_code == 429


@with_rate(lookup_per_ip_minute="2/m")
def test_rerunning_a_lookup_goes_through_the_address_limit():
    ramesh()
    client = Client()
    page = lookup(client).content.decode()
    assert press_the_switch(client, page, "/lookup/").status_code == 200
    limited = press_the_switch(client, page, "/lookup/", language="hi")
    assert limited.status_code == 429
    assert "9912345678" not in page_text(limited.content.decode())


# --- The lookup form and the no-match page ----------------------------------------------------------


def test_a_language_other_than_hindi_or_english_switches_nothing():
    # Django has catalogues for many languages; only the two this site offers may be switched to.
    ramesh()
    client = Client()
    response = client.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321", "language": "de"})
    assert response.status_code == 200
    assert '<html lang="hi">' in response.content.decode()
    assert response["Content-Language"] == "hi"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@with_rate(lookup_per_ip_minute="1/m")
def test_the_switch_on_the_form_keeps_what_was_typed_and_looks_nothing_up():
    ramesh()
    client = Client()
    home = client.get("/").content.decode()
    assert switch_button(home) == "lookup-form"
    for _ in range(3):
        response = press_the_switch(client, home, "/lookup/", old_account_number="1234-5678", mobile_last4="43")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Find your new account number" in html
        assert 'value="1234-5678"' in html and 'value="43"' in html
        # Half-typed is not wrong yet: no errors, no result.
        assert "field-error" not in html and '<div class="error-summary"' not in html
        assert "9912345678" not in page_text(html)
    # Nothing was counted: the one lookup a minute allowed here is still there.
    assert lookup(client).status_code == 200


def test_pressing_enter_in_the_form_submits_it_not_the_switch():
    # Implicit submission presses the first submit button of the form in document order: a plain
    # hidden one placed before the language button.
    header = Client().get("/").content.decode().split("</header>", 1)[0]
    plain = header.index('<button type="submit" form="lookup-form" hidden tabindex="-1"></button>')
    assert plain < header.index('name="language"')


def test_the_switch_on_the_no_match_page_shows_it_again_without_a_lookup():
    ramesh()
    client = Client()
    with with_rate(lookup_failures_per_account_hour="2/h"):
        miss = lookup(client, old="87654321", mobile="1111").content.decode()
        assert switch_button(miss) == "lookup-form"
        assert "language-again" not in miss  # nothing typed is echoed on a miss
        english = press_the_switch(client, miss, "/lookup/").content.decode()
        assert "We could not find a match" in english
        assert "87654321" not in english and "1111" not in english
        # The no-match page again, with its own switch: back to Hindi without typing anything.
        again = press_the_switch(client, english, "/lookup/", language="hi").content.decode()
        assert "आपके दिए नंबरों से कोई रिकॉर्ड मेल नहीं खाया" in again
        # Showing the page again counted no failure: one more wrong try is answered, then the limit.
        assert lookup(client, old="87654321", mobile="2222").status_code == 200
        assert lookup(client, old="87654321", mobile="3333").status_code == 429


def test_a_refresh_of_the_lookup_address_still_starts_over():
    response = Client().get("/lookup/")
    assert response.status_code == 302 and response["Location"] == "/"


# --- The message check ------------------------------------------------------------------------------


def test_it_shows_the_same_check_result_again_in_english():
    client = Client()
    hindi = client.post("/check/", {"message": TYPICAL_SCAM}).content.decode()
    assert "यह ठगी लगती है" in hindi
    assert switch_button(hindi) == "language-again"
    response = press_the_switch(client, hindi, "/check/")
    english = response.content.decode()
    assert "Likely a scam" in english and "+919876543210" in english
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert ScamReport.objects.count() == 0


def test_the_switch_on_the_check_form_keeps_the_pasted_text_and_checks_nothing():
    client = Client()
    page = client.get("/check/").content.decode()
    assert switch_button(page) == "check-form"
    html = press_the_switch(client, page, "/check/", message="call 9876543210 tonight").content.decode()
    assert "Is this message really from KESCO?" in html
    assert "call 9876543210 tonight</textarea>" in html
    assert "verdict" not in html and "errorlist" not in html


# --- The scam report --------------------------------------------------------------------------------


def test_the_switch_on_the_report_form_keeps_what_was_typed_and_saves_nothing():
    client = Client()
    page = client.get("/report/").content.decode()
    assert switch_button(page) == "report-form"
    # The switch sends the form URL-encoded: a chosen picture is not uploaded to change the language.
    assert 'formenctype="application/x-www-form-urlencoded" name="language"' in page
    typed = {"channel": "whatsapp", "suspect": "98765 43210", "message_text": "bill not updated", "money_lost": "yes"}
    html = press_the_switch(client, page, "/report/", **typed).content.decode()
    assert "Report a scam" in html
    assert 'value="98765 43210"' in html and "bill not updated</textarea>" in html
    assert re.search(r'value="whatsapp"[^>]*checked', html) and re.search(r'value="yes"[^>]*checked', html)
    assert "errorlist" not in html
    assert ScamReport.objects.count() == 0


@pytest.mark.parametrize("money_lost", ["yes", "no"])
def test_the_report_sent_page_survives_a_language_switch(money_lost):
    client = Client()
    report = {"channel": "sms", "suspect": "VM-KESCOB", "money_lost": money_lost}
    sent = client.post("/report/", report, follow=True)
    assert sent.redirect_chain[-1][0] == "/report/thanks/"
    english = client.post("/i18n/setlang/", {"language": "en", "next": "/report/thanks/"}, follow=True)
    html = english.content.decode()
    # The same page at its English address (Hindi pages live at the root, English ones under /en/).
    assert english.redirect_chain[-1][0] == "/en/report/thanks/"
    assert "Thank you for your report" in html
    assert ("Call 1930 now" in html) is (money_lost == "yes")
    assert ScamReport.objects.count() == 1


def test_the_report_sent_page_still_needs_a_report():
    response = Client().get("/report/thanks/")
    assert response.status_code == 302 and response["Location"] == "/report/"
