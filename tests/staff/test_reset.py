"""Resetting someone's authenticator app: an administrator in the admin, or the command for the first one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.services import staff_device_enrol
from tests.helpers import sign_in, totp_code
from tests.staff.helpers import member_of_staff, sign_in_by_form

pytestmark = pytest.mark.django_db


def _enrolled(username: str = "sunita"):
    """A member of staff who went through enrolment: an app and ten recovery codes."""
    user = member_of_staff(username)
    key = TOTPDevice().key  # django-otp's fresh random key
    enrolment = staff_device_enrol(user=user, key=key, code=totp_code(TOTPDevice(key=key)))
    assert enrolment is not None
    return user


def test_an_administrator_resets_someones_app_from_the_user_list():
    sunita = _enrolled()
    sunitas_session = sign_in(Client(), sunita)
    administrator = sign_in(Client(), member_of_staff("admin", superuser=True))

    response = administrator.post(
        "/staff/auth/user/", {"action": "reset_authenticator", "_selected_action": [sunita.pk]}, follow=True
    )

    assert "1 ऑथेंटिकेटर ऐप रीसेट हुआ" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sunita).exists()
    assert not StaticDevice.objects.filter(user=sunita).exists() and not StaticToken.objects.exists()
    # Her open session loses its code at once; her next sign-in is by password, to enrolment.
    assert sunitas_session.get("/staff/").status_code == 302
    assert sign_in_by_form(Client(), "sunita")["Location"] == "/staff/enrol/"


def test_the_user_list_shows_who_has_set_up_an_app():
    _enrolled("sunita")
    member_of_staff("ravi")
    administrator = sign_in(Client(), member_of_staff("admin", superuser=True))

    response = administrator.get("/staff/auth/user/")

    html = response.content.decode()
    assert 'column-authenticator"' in html and "ऑथेंटिकेटर ऐप" in html
    shown = {user.username: user.has_authenticator for user in response.context["cl"].result_list}
    assert shown == {"sunita": True, "ravi": False, "admin": True}


def test_the_command_resets_an_app_and_prints_what_it_removed():
    sunita = _enrolled()
    out = StringIO()

    call_command("staff_reset_device", "sunita", stdout=out)

    assert "Authenticator apps removed: 1." in out.getvalue()
    assert "Recovery code sets removed: 1." in out.getvalue()
    assert not TOTPDevice.objects.filter(user=sunita).exists()
    assert not StaticDevice.objects.filter(user=sunita).exists()


def test_the_command_says_zero_for_someone_without_an_app():
    member_of_staff()
    out = StringIO()
    call_command("staff_reset_device", "sunita", stdout=out)
    assert "Authenticator apps removed: 0." in out.getvalue()


def test_the_command_refuses_an_unknown_user_and_changes_nothing():
    _enrolled()
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("staff_reset_device", "nobody", stdout=StringIO())
    assert TOTPDevice.objects.count() == 1


def test_the_commands_help_says_what_it_does_and_refuses(capsys):
    with pytest.raises(SystemExit):
        call_command("staff_reset_device", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "authenticator app and recovery codes" in help_text
    assert "Refuses an unknown username" in help_text
