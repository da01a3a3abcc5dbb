"""Signing in to the admin: a password and a code from an authenticator app, on every page."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.test import Client

from tests.helpers import authenticator_for, sign_in, totp_code
from tests.staff.helpers import LOGIN_URL, member_of_staff, sign_in_by_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals_sent():
    """What Django's auth signals said during the test: the hook an audit trail listens to."""
    sent: list[tuple[str, dict]] = []

    def recorder(name):
        def receive(sender, **kwargs):
            sent.append((name, kwargs))

        return receive

    receivers = {
        user_logged_in: recorder("logged_in"),
        user_logged_out: recorder("logged_out"),
        user_login_failed: recorder("login_failed"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield sent
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def test_it_signs_in_with_the_password_and_the_code_from_the_app(client):
    device = authenticator_for(member_of_staff())

    response = sign_in_by_form(client, "sunita", code=totp_code(device))

    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_it_refuses_the_admin_without_a_code(client, signals_sent):
    authenticator_for(member_of_staff())

    response = sign_in_by_form(client, "sunita", code="")

    assert response.status_code == 200
    assert "कृपया स्टाफ़ खाते का सही यूज़रनेम, पासवर्ड और कोड डालें।" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    assert [name for name, _ in signals_sent] == ["login_failed"]


def test_it_refuses_a_wrong_code_with_the_same_message_as_a_wrong_password(client, signals_sent):
    device = authenticator_for(member_of_staff())
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    wrong_code = sign_in_by_form(client, "sunita", code=wrong)
    wrong_password = sign_in_by_form(client, "sunita", password="not-the-password", code=right)

    assert wrong_code.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()
    assert client.get("/staff/").status_code == 302
    # Both are failed sign-ins, named by username (django-axes counts them, an audit trail can too).
    assert [(name, kwargs["credentials"]["username"]) for name, kwargs in signals_sent] == [
        ("login_failed", "sunita"),
        ("login_failed", "sunita"),
    ]


def test_a_code_signs_in_once(client):
    device = authenticator_for(member_of_staff())
    code = totp_code(device)
    assert sign_in_by_form(client, "sunita", code=code).status_code == 302
    client.post("/staff/logout/")

    again = sign_in_by_form(client, "sunita", code=code)

    assert again.status_code == 200
    assert client.get("/staff/").status_code == 302


def test_a_password_only_session_opens_no_admin_page(client):
    # What force_login gives: signed in, but no code verified. Every admin page sends it to sign in.
    user = member_of_staff(superuser=True)
    authenticator_for(user)
    client.force_login(user)

    for url in ("/staff/", "/staff/auth/user/", "/staff/accounts/accountmapping/", "/staff/imports/importbatch/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN_URL), url


def test_the_sign_in_form_asks_for_the_code_in_hindi(client):
    html = client.get(LOGIN_URL).content.decode()
    assert 'name="code"' in html
    assert 'autocomplete="one-time-code"' in html
    assert "ऑथेंटिकेटर ऐप" in html


def test_it_accepts_the_code_typed_in_devanagari_digits_or_with_a_space(client):
    device = authenticator_for(member_of_staff())
    code = totp_code(device)
    devanagari = "".join("०१२३४५६७८९"[int(digit)] for digit in code)

    response = sign_in_by_form(client, "sunita", code=f"{devanagari[:3]} {devanagari[3:]}")

    assert response.status_code == 302


def test_signing_in_and_out_send_djangos_signals(client, signals_sent):
    device = authenticator_for(member_of_staff())
    sign_in_by_form(client, "sunita", code=totp_code(device))
    client.post("/staff/logout/")

    assert [name for name, _ in signals_sent] == ["logged_in", "logged_out"]
    assert signals_sent[0][1]["user"].username == "sunita"


def test_signing_out_works_from_an_admin_page(client):
    sign_in(client, member_of_staff(superuser=True))
    html = client.get("/staff/auth/user/").content.decode()
    assert 'id="logout-form"' in html and 'action="/staff/logout/"' in html

    client.post("/staff/logout/")

    assert client.get("/staff/").status_code == 302


def test_the_test_helper_signs_in_with_a_verified_code():
    client = sign_in(Client(), member_of_staff(superuser=True))
    assert client.get("/staff/").status_code == 200
