"""Named builders for test data: who is who in the lookup tests."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountMapping

# Screenshots of the browser tests, for a person to look at; kept out of the repo by .gitignore.
SCREENSHOTS = Path(os.environ.get("KESCO_SCREENSHOTS", Path(__file__).resolve().parents[1] / "bench/out/screens"))


def service_missing(reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI (KESCO_REQUIRE_SERVICES=1)."""
    if os.environ.get("KESCO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (KESCO_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def make_mapping(
    old: str = "12345678",
    new: str = "9912345678",
    *,
    name: str = "Ramesh Kumar",
    division: str = "Kidwai Nagar",
    mobile_last4: str = "4321",
) -> AccountMapping:
    return AccountMapping.objects.create(
        old_account_number=old,
        new_account_number=new,
        consumer_name=name,
        division=division,
        mobile_last4=mobile_last4,
    )


def ramesh() -> AccountMapping:
    """A consumer with a mobile on file: old 12345678, mobile ending 4321, new 9912345678."""
    return make_mapping()


def anita_without_mobile() -> AccountMapping:
    """A consumer whose record has no mobile: no lookup can ever match her."""
    return make_mapping("22223333", "9922223333", name="Anita Sharma", mobile_last4="")


def page_text(html: str) -> str:
    """The text of a page without its tags: the new number is shown in digit groups, one span each,
    so it is one run of digits only in the text (and a check that it is absent must look there)."""
    import re

    return re.sub(r"<[^>]+>", "", html)


def staff_user(username: str, *, can_import: bool) -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    if can_import:
        user.user_permissions.add(Permission.objects.get(codename="import_mapping", content_type__app_label="accounts"))
    return user


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for this device now (or that many 30-second steps on).

    A code signs in once: a second sign-in in the same test takes the next step's code, which the
    device accepts (it allows one step of clock difference).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def authenticator_for(user: User) -> TOTPDevice:
    """A confirmed authenticator app for this user, as enrolment leaves it."""
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


def sign_in(client: Client, user: User) -> Client:
    """Log a member of staff in with a verified code, as the admin demands on every page.

    force_login alone is a password-only session now: the admin sends it back to sign in (or, with
    no app set up, to enrolment).
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or authenticator_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
