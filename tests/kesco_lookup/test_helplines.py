"""Tap-to-call: 1930 and 1912 are tel: links wherever a consumer reads them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kesco_lookup.templatetags.helplines import helplines_linked
from tests.helpers import ramesh

CALL_1912 = 'href="tel:1912"'
CALL_1930 = 'href="tel:1930"'


def test_it_links_a_helpline_inside_a_sentence_and_inside_markup():
    assert helplines_linked("call the helpline 1912.") == 'call the helpline <a class="tel" href="tel:1912">1912</a>.'
    assert helplines_linked("<strong>1930</strong> पर") == (
        '<strong><a class="tel" href="tel:1930">1930</a></strong> पर'
    )


@pytest.mark.parametrize(
    "html",
    [
        '<a href="tel:1912">1912</a>',  # already a link: links cannot nest
        '<input type="hidden" name="old_account_number" value="1912">',  # an attribute
        "<textarea>call 1912</textarea>",  # shown as typed, markup included
        "01912 19123 1930-2 +1930 1912a",  # parts of longer numbers or words
        "a fine of ₹1930, Rs 1912, Rs. 1930, रु 1912 or ₹ 1930",  # amounts, in a staff-written alert
    ],
)
def test_it_leaves_links_attributes_textareas_and_longer_numbers_alone(html):
    assert helplines_linked(html) == html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "en"])
def test_every_page_has_the_kesco_helpline_as_a_tap_to_call_link_in_the_footer(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in ("/", "/check/", "/check/qr/", "/report/"):
        footer = client.get(path).content.decode().split('<footer class="site-footer">', 1)[1]
        assert CALL_1912 in footer, path


@pytest.mark.django_db
def test_the_no_match_page_links_the_helpline(client):
    html = client.post("/lookup/", {"old_account_number": "87654321", "mobile_last4": "1111"}).content.decode()
    main = html.split("<main>", 1)[1].split("</main>", 1)[0]
    assert CALL_1912 in main


@pytest.mark.django_db
def test_the_check_result_links_both_helplines(client):
    html = client.post("/check/", {"message": "bijli kat jayegi, call 9876543210"}).content.decode()
    next_steps = html.split('class="next-steps"', 1)[1]
    assert CALL_1930 in next_steps and CALL_1912 in next_steps


@pytest.mark.django_db
def test_the_report_page_has_a_call_1930_button_in_the_lost_money_box(client):
    html = client.get("/report/").content.decode()
    box = html.split('id="lost-money-title"', 1)[1].split("</section>", 1)[0]
    assert '<a class="call-button" href="tel:1930">1930 पर अभी कॉल करें</a>' in box


@pytest.mark.django_db
@pytest.mark.parametrize("money_lost,button", [("yes", True), ("no", False)])
def test_the_report_sent_page_leads_with_a_call_1930_button_only_when_money_was_lost(client, money_lost, button):
    report = {"channel": "whatsapp", "suspect": "9876543210", "money_lost": money_lost}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post("/report/", report, follow=True).content.decode()
    assert ('<a class="call-button" href="tel:1930">Call 1930 now</a>' in html) is button
    if button:
        main = html.split("<main>", 1)[1]
        assert main.index("call-button") < main.index("Thank you for your report")


@pytest.mark.django_db
def test_the_limit_page_links_the_helpline():
    ramesh()
    client = Client(REMOTE_ADDR="203.0.113.60")
    for i in range(11):
        response = client.post("/lookup/", {"old_account_number": f"5000000{i}", "mobile_last4": "1111"})
    assert response.status_code == 429
    assert CALL_1912 in response.content.decode().split("<main>", 1)[1].split("</main>", 1)[0]


def test_the_error_page_links_the_helpline(rf):
    from kesco_lookup.views import server_error

    assert CALL_1912 in server_error(rf.get("/")).content.decode()


@pytest.mark.django_db
def test_the_paused_page_links_the_helpline(rf):
    from kesco_lookup.views import limiter_unavailable

    request = rf.get("/")
    assert CALL_1912 in limiter_unavailable(request).content.decode().split("<main>", 1)[1]
