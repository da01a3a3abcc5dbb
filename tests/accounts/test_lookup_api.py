"""POST /api/v1/lookup: the same rules and limits as the page, for the official app and chatbots."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.helpers import anita_without_mobile, make_mapping, ramesh

pytestmark = pytest.mark.django_db

API = "/api/v1/lookup"


def call_api(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(API, data, content_type="application/json", **extra)


def test_it_returns_the_new_number_masked_name_and_division():
    ramesh()
    response = call_api(Client(), {"old_account_number": "1234 5678", "mobile_last4": "4321"})
    assert response.status_code == 200
    assert response.json() == {
        "new_account_number": "9912345678",
        "masked_name": "R***** K****",
        "division": "Kidwai Nagar",
    }


def test_it_needs_no_csrf_token_and_sets_no_cookie():
    ramesh()
    client = Client(enforce_csrf_checks=True)
    response = call_api(client, {"old_account_number": "12345678", "mobile_last4": "4321"})
    assert response.status_code == 200
    assert not response.cookies


def test_it_answers_every_kind_of_miss_with_the_same_404():
    ramesh()
    anita_without_mobile()
    client = Client()
    bodies = [
        call_api(client, {"old_account_number": "87654321", "mobile_last4": "4321"}),
        call_api(client, {"old_account_number": "12345678", "mobile_last4": "9999"}),
        call_api(client, {"old_account_number": "22223333", "mobile_last4": "4321"}),
        call_api(client, {"old_account_number": "9912345678", "mobile_last4": "0000"}),
    ]
    assert {r.status_code for r in bodies} == {404}
    # Changed deliberately (issue 11): a miss now says how many tries are left on the number typed.
    # Each is a first miss on its own number, so all four are still one and the same body.
    assert len({r.content for r in bodies}) == 1
    miss = bodies[0].json()
    assert miss["error"] == "no_match" and miss["tries_left"] == 4
    assert set(miss) == {"error", "tries_left", "pause_seconds"}


def test_a_number_that_is_one_accounts_old_and_anothers_new_answers_each_by_its_own_mobile():
    # The admin allows such a pair; the lookup matches either column, so each holder's mobile decides.
    make_mapping("9912345678", "2640000001", name="Old Holder", mobile_last4="1111")
    make_mapping("12345678", "9912345678", name="New Holder", mobile_last4="4321")
    client = Client()
    as_old = call_api(client, {"old_account_number": "9912345678", "mobile_last4": "1111"})
    as_new = call_api(client, {"old_account_number": "9912345678", "mobile_last4": "4321"})
    assert (as_old.status_code, as_old.json()["new_account_number"]) == (200, "2640000001")
    assert as_new.json() == {"new_account_number": "9912345678", "already_new": True}


def test_it_says_when_the_number_is_already_the_new_one():
    ramesh()
    response = call_api(Client(), {"old_account_number": "9912345678", "mobile_last4": "4321"})
    assert response.status_code == 200
    assert response.json() == {"new_account_number": "9912345678", "already_new": True}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[1, 2]",
        "null",
        {"old_account_number": "12345678"},
        {"old_account_number": "abc", "mobile_last4": "4321"},
        {"old_account_number": 12345678, "mobile_last4": 4321},
    ],
)
def test_it_answers_malformed_input_with_400_and_a_message(body):
    response = call_api(Client(), body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] in {"malformed", "invalid"}
    assert payload.get("message") or payload.get("fields")


def test_it_explains_field_errors_in_the_consumers_language():
    client = Client()
    client.cookies["django_language"] = "en"
    response = call_api(client, {"old_account_number": "abc", "mobile_last4": "4321"})
    assert "digits only" in response.json()["fields"]["old_account_number"][0]
    hindi = call_api(Client(), {"old_account_number": "abc", "mobile_last4": "4321"})
    assert "केवल अंक" in hindi.json()["fields"]["old_account_number"][0]


def test_it_refuses_numbers_sent_as_json_numbers_rather_than_guess_leading_zeros():
    ramesh()
    response = call_api(Client(), {"old_account_number": 12345678, "mobile_last4": "4321"})
    assert response.status_code == 400
    assert "शुरुआत के शून्य" in response.json()["message"]


def test_it_refuses_get():
    assert Client().get(API).status_code == 405


def test_it_refuses_a_text_plain_body_that_any_web_page_could_send_cross_site():
    ramesh()
    body = json.dumps({"old_account_number": "12345678", "mobile_last4": "4321"})
    response = Client().post(API, body, content_type="text/plain", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert "9912345678" not in response.content.decode()


def test_it_accepts_json_with_a_charset():
    ramesh()
    body = json.dumps({"old_account_number": "12345678", "mobile_last4": "4321"})
    response = Client().post(API, body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_it_refuses_a_body_over_a_kilobyte_without_parsing_it():
    padded = json.dumps({"old_account_number": "12345678", "mobile_last4": "4321", "x": " " * 2000})
    response = call_api(Client(), padded)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_it_answers_deeply_nested_json_with_a_400_not_a_crash(monkeypatch):
    from accounts import views

    monkeypatch.setattr(views, "API_BODY_MAX_BYTES", 4096)  # let it reach the parser
    body = '{"old_account_number":' + "[" * 1000 + "]" * 1000 + "}"

    response = call_api(Client(), body)

    assert response.status_code == 400
    assert response.json()["error"] == "malformed"
