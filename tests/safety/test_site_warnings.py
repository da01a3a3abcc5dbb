"""The warnings above every page: the current alert with a way to act on it, or one line of warning."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from safety.models import Alert

pytestmark = pytest.mark.django_db

WARNING_LINE = 'class="warning-line"'


def an_alert() -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        title_hi="नई चेतावनी",
        title_en="New warning",
        text_hi="कोई संदेश मिले तो उसे यहाँ जाँचें।",
        text_en="Got one? Check it here.",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=1),
    )


def _main(html: str) -> str:
    return html.split("<main>", 1)[1]


@pytest.mark.parametrize(
    "language,link_text,check", [("hi", "संदेश जाँचें", "/check/"), ("en", "Check a message", "/en/check/")]
)
def test_an_alert_links_to_the_message_check_right_after_its_text(client, language, link_text, check):
    an_alert()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    alert = client.get("/").content.decode().split('<section class="alert"', 1)[1].split("</section>", 1)[0]
    # To the message check in the page's language (English at its own address).
    assert f'<a class="alert-action" href="{check}">{link_text}</a>' in alert
    assert alert.index("alert-action") > alert.index("Check it here" if language == "en" else "यहाँ जाँचें")


@pytest.mark.parametrize("path", ["/", "/report/", "/check/qr/"])
def test_the_alert_comes_after_the_page_heading_in_the_outline(client, path):
    an_alert()
    main = _main(client.get(path).content.decode())
    assert "नई चेतावनी" in main
    # The alert's title is no heading, so the page's h1 is the first heading.
    first_heading = min(main.index(tag) for tag in ("<h1", "<h2", "<h3") if tag in main)
    assert main.index("<h1") == first_heading


def test_the_check_page_shows_no_alert_since_it_is_where_the_alert_sends_people(client):
    an_alert()
    for response in (client.get("/check/"), client.post("/check/", {"message": "hello"})):
        html = _main(response.content.decode())
        assert "नई चेतावनी" not in html and 'class="alert"' not in html
        assert WARNING_LINE in html


@pytest.mark.parametrize(
    "language,text",
    [
        ("hi", "KESCO कभी भी WhatsApp पर भुगतान का लिंक या QR कोड नहीं भेजता।"),
        ("en", "KESCO never sends payment links or QR codes on WhatsApp."),
    ],
)
def test_without_an_alert_every_page_starts_with_one_line_of_warning(client, language, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in ("/", "/check/", "/check/qr/", "/report/"):
        main = _main(client.get(path).content.decode())
        line = main.split(f"<p {WARNING_LINE}>", 1)[1].split("</p>", 1)[0]
        assert text in line and 'href="tel:1912"' in line
        assert main.index(WARNING_LINE) < main.index("<h1")


def test_with_an_alert_the_line_of_warning_gives_way(client):
    an_alert()
    assert WARNING_LINE not in client.get("/").content.decode()
