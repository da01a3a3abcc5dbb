"""Failed sign-ins pause sign-in per username and per address (django-axes, settings.AXES_*)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests.helpers import authenticator_for, totp_code
from tests.staff.helpers import member_of_staff, sign_in_by_form

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _paused(response) -> bool:
    return response.status_code == 429 and "लॉग इन अभी रुका है" in response.content.decode()


def _wrong_passwords(client, count: int, *, username: str = "sunita", **extra) -> list:
    return [sign_in_by_form(client, username, password="wrong-password", **extra) for _ in range(count)]


def test_the_numbers_are_ten_failures_and_an_hour():
    assert LIMIT == 10
    assert timedelta(hours=1) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username"], ["ip_address"]]


def test_it_pauses_a_username_after_the_limit_even_for_the_right_password_and_code(client):
    device = authenticator_for(member_of_staff())
    earlier = _wrong_passwords(client, LIMIT - 1)
    assert not any(_paused(response) for response in earlier)

    last_failure = sign_in_by_form(client, "sunita", password="wrong-password")
    right = sign_in_by_form(client, "sunita", code=totp_code(device))

    assert _paused(last_failure)
    assert _paused(right)
    assert client.get("/staff/").status_code == 302


def test_a_username_is_paused_from_any_address(client):
    device = authenticator_for(member_of_staff())
    for number in range(LIMIT):
        sign_in_by_form(client, "sunita", password="wrong-password", REMOTE_ADDR=f"203.0.113.{number + 1}")

    response = sign_in_by_form(client, "sunita", code=totp_code(device), REMOTE_ADDR="198.51.100.7")

    assert _paused(response)


def test_an_address_is_paused_whatever_usernames_it_tries(client):
    device = authenticator_for(member_of_staff())
    for number in range(LIMIT):
        sign_in_by_form(client, f"guess{number}", password="wrong-password")

    response = sign_in_by_form(client, "sunita", code=totp_code(device))

    assert _paused(response)


def test_a_forged_x_forwarded_for_buys_no_extra_attempts(client):
    # Nobody is a trusted proxy (TRUSTED_PROXIES is empty): each try claims another address.
    device = authenticator_for(member_of_staff())
    for number in range(LIMIT):
        sign_in_by_form(
            client, f"guess{number}", password="wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{number + 1}"
        )

    response = sign_in_by_form(client, "sunita", code=totp_code(device), HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert _paused(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_wrong_codes_count_like_wrong_passwords(client):
    device = authenticator_for(member_of_staff())
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(LIMIT):
        last = sign_in_by_form(client, "sunita", code=wrong)

    assert _paused(last)
    assert _paused(sign_in_by_form(client, "sunita", code=right))
    assert AccessAttempt.objects.get(username="sunita").failures_since_start == LIMIT + 1


def test_the_pause_says_until_when_in_hindi_and_in_english(client):
    member_of_staff()
    paused = _wrong_passwords(client, LIMIT)[-1]
    attempt = AccessAttempt.objects.get(username="sunita")
    until = timezone.localtime(attempt.attempt_time + settings.AXES_COOLOFF_TIME).strftime("%H:%M")

    html = paused.content.decode()
    assert f"{until} के बाद (60 मिनट में) फिर कोशिश करें" in html
    assert paused["Retry-After"] == "3600"
    assert 'id="login-form"' in html  # the sign-in page itself, to try again later

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = sign_in_by_form(client, "sunita", password="wrong-password")
    until = timezone.localtime(AccessAttempt.objects.get(username="sunita").attempt_time + settings.AXES_COOLOFF_TIME)
    assert f"try again after {until:%H:%M} (in 60 minutes)" in english.content.decode()


def test_a_pause_ends_an_hour_after_the_last_failure(client):
    device = authenticator_for(member_of_staff())
    _wrong_passwords(client, LIMIT)
    # An hour and a minute pass.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

    response = sign_in_by_form(client, "sunita", code=totp_code(device))

    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_failure_during_the_pause_starts_the_hour_again(client):
    device = authenticator_for(member_of_staff())
    _wrong_passwords(client, LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=59))
    sign_in_by_form(client, "sunita", password="wrong-password")  # one more, a minute before the end
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=2))

    assert _paused(sign_in_by_form(client, "sunita", code=totp_code(device)))


def test_a_failed_attempt_keeps_neither_the_password_nor_the_code(client):
    member_of_staff()
    sign_in_by_form(client, "sunita", password="secret-password-typed", code="654321")
    attempt = AccessAttempt.objects.get(username="sunita")
    assert "secret-password-typed" not in attempt.post_data
    assert "654321" not in attempt.post_data
