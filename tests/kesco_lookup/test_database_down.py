"""While the database cannot be reached, consumers are asked to wait (503), not shown an error (500)."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> None:
        raise OperationalError('connection to server at "10.0.0.9", port 5432 failed: Connection refused')

    connection.close()
    monkeypatch.setattr(connection, "ensure_connection", refused)


def test_the_form_answers_the_wait_page_rendered_without_the_database(database_down) -> None:
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert 'href="tel:1912"' in html  # the helpline, and the built-in "KESCO never..." lines
    assert "10.0.0.9" not in html


def test_the_api_answers_unavailable_in_json(database_down) -> None:
    response = Client(raise_request_exception=False).post(
        "/api/v1/lookup", {"old_account_number": "12345678", "mobile_last4": "4321"}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (503, {"error": "unavailable"})


def test_a_connection_dropped_mid_request_is_a_wait_too(monkeypatch) -> None:
    def dropped(**_kwargs: object) -> None:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("accounts.views.mapping_lookup_counted", dropped)
    response = Client(raise_request_exception=False).post(
        "/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}
    )
    assert response.status_code == 503


def test_any_other_error_is_still_a_500(monkeypatch) -> None:
    def broken(**_kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr("accounts.views.mapping_lookup_counted", broken)
    response = Client(raise_request_exception=False).post(
        "/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}
    )
    assert response.status_code == 500
