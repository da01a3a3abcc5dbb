"""Staff passwords follow the four rules; staff sessions end with the browser and 8 hours after sign-in."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from staff.signals import SIGNED_IN_AT_SESSION_KEY
from tests.helpers import authenticator_for, sign_in, totp_code
from tests.staff.helpers import PASSWORD, member_of_staff, sign_in_by_form

pytestmark = pytest.mark.django_db

EIGHT_HOURS = 8 * 3600


def _refusals(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def test_a_password_needs_twelve_characters():
    assert "password_too_short" in _refusals("kanpur-bij1")  # 11
    assert _refusals("kanpur-bijl1") == set()  # 12


def test_a_common_password_is_refused():
    assert _refusals("password1234") == {"password_too_common"}


def test_a_password_like_the_username_is_refused():
    user = member_of_staff("sunita.sharma")
    assert _refusals("sunita.sharma1", user) == {"password_too_similar"}


def test_a_password_of_digits_only_is_refused():
    assert "password_entirely_numeric" in _refusals("918273645546")


def test_the_admins_password_change_refuses_a_short_password_in_hindi():
    client = sign_in(Client(), member_of_staff())
    response = client.post(
        "/staff/password_change/", {"old_password": PASSWORD, "new_password1": "1", "new_password2": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "यह पासवर्ड बहुत छोटा है। इसमें कम से कम 12 अक्षर होने चाहिए।" in html
    assert "इस पासवर्ड में केवल अंक हैं।" in html


def test_sessions_end_with_the_browser_and_after_eight_hours_at_most():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == EIGHT_HOURS


def test_the_sign_in_cookie_is_forgotten_when_the_browser_closes(client):
    device = authenticator_for(member_of_staff())
    sign_in_by_form(client, "sunita", code=totp_code(device))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""


def _signed_in_hours_ago(client: Client, hours: float) -> None:
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = int(time.time() - hours * 3600)
    session.save()


def test_a_session_still_works_just_under_eight_hours_after_sign_in():
    client = sign_in(Client(), member_of_staff())
    _signed_in_hours_ago(client, 7.95)
    assert client.get("/staff/").status_code == 200


def test_a_session_is_signed_out_eight_hours_after_sign_in_however_busy():
    client = sign_in(Client(), member_of_staff())
    _signed_in_hours_ago(client, 8.01)

    response = client.get("/staff/")

    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert "_auth_user_id" not in client.session  # signed out, not merely sent to sign in


def test_a_signed_in_session_without_a_sign_in_time_is_signed_out():
    # Sessions made before this rule have no time: they end at their next admin page.
    client = sign_in(Client(), member_of_staff())
    session = client.session
    del session[SIGNED_IN_AT_SESSION_KEY]
    session.save()

    assert client.get("/staff/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_consumers_report_page_keeps_its_session(client):
    # The consumer side's one use of the session: the report-sent page remembers "money lost".
    response = client.post(
        "/report/",
        {"channel": "whatsapp", "suspect": "98765 43210", "money_lost": "yes", "message_text": "pay now"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith("/report/thanks/")
    assert "1930" in response.content.decode()
