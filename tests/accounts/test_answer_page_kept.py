"""A match's page is rendered once per outcome, language, address and day with a slot for each personal
part, filled in escaped for each visitor (kesco_lookup/pages.py, page_render_filled)."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.test import Client

from tests.helpers import make_mapping, page_text

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOSTILE_NAME = '<script>x</script> O\'Neil "Q" & Co'


def lookup(client: Client, old: str, mobile: str, path: str = "/lookup/") -> str:
    response = client.post(path, {"old_account_number": old, "mobile_last4": mobile})
    assert response.status_code == 200
    return response.content.decode()


def two_consumers() -> None:
    make_mapping("12345678", "9912345678", name="Ramesh Kumar", division="Kidwai Nagar", mobile_last4="4321")
    make_mapping("87654321", "9987654321", name=HOSTILE_NAME, division='Civil <Lines> & "Co"', mobile_last4="1234")


def test_it_gives_each_visitor_their_own_answer_from_the_kept_page():
    two_consumers()
    first = lookup(Client(), "12345678", "4321")
    second = lookup(Client(), "87654321", "1234")
    assert "9912345678" in page_text(first) and "R***** K****" in first and "Kidwai Nagar" in first
    assert "9987654321" in page_text(second) and 'value="87654321"' in second and 'value="1234"' in second
    # Nothing of the first visitor's in the second's page, nor the other way round, and no slot left.
    assert "9912345678" not in page_text(second) and "12345678" not in second and "Kidwai" not in second
    assert "9987654321" not in page_text(first) and "87654321" not in first and "Civil" not in first
    assert "slot-" not in first + second and "csrf-placeholder" not in first + second


def test_it_escapes_every_personal_part_put_in():
    two_consumers()
    lookup(Client(), "12345678", "4321")  # the page is kept before the hostile name is put in
    html = lookup(Client(), "87654321", "1234")
    # mask_name keeps each word's first letter: "<script>x</script>" is "<" and 17 stars.
    assert "<script>x" not in html and "<" + "*" * 17 not in html
    assert "&lt;" + "*" * 17 in html
    assert "O*****" in html and "&quot;**" in html and "&amp; C*" in html
    assert "Civil &lt;Lines&gt; &amp; &quot;Co&quot;" in html and "<Lines>" not in html


def test_each_answer_carries_a_token_of_its_own_that_the_language_switch_accepts():
    two_consumers()
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for visitor in visitors:
        visitor.get("/")  # the cookie, as a browser has it from the form
    pages = [
        visitor.post(
            "/lookup/",
            {
                "csrfmiddlewaretoken": visitor.cookies["csrftoken"].value,
                "old_account_number": "12345678",
                "mobile_last4": "4321",
            },
        ).content.decode()
        for visitor in visitors
    ]
    tokens = [TOKEN.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    body = {"again": "1", "old_account_number": "12345678", "mobile_last4": "4321", "language": "en"}
    switched = visitors[0].post("/lookup/", {**body, "csrfmiddlewaretoken": tokens[0]})
    assert switched.status_code == 200 and "Your new account number" in switched.content.decode()
    assert Client(enforce_csrf_checks=True).post("/lookup/", body).status_code == 403


def test_it_keeps_the_english_address_and_the_date_of_each_day():
    two_consumers()
    hindi = lookup(Client(), "12345678", "4321")
    english = lookup(Client(), "12345678", "4321", path="/en/lookup/")
    assert '<html lang="hi">' in hindi and '<html lang="en">' in english
    assert 'action="/lookup/"' in hindi and 'action="/en/lookup/"' in english
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2027, 1, 2)):
        tomorrow = lookup(Client(), "12345678", "4321", path="/en/lookup/")
    assert "2 Jan 2027" in tomorrow and "2 Jan 2027" not in english


def test_it_renders_the_answer_every_time_when_the_stamp_cannot_be_read():
    two_consumers()
    with mock.patch("accounts.views.page_shared_stamp", return_value=None):
        html = lookup(Client(), "87654321", "1234")
    assert "9987654321" in page_text(html) and "&lt;" + "*" * 17 in html and "slot-" not in html
    assert 'value="87654321"' in html and TOKEN.search(html)
