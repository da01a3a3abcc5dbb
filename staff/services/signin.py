"""Writes for the staff side: checking a sign-in's code, enrolling an authenticator app, resetting it.

A code is six digits from the app (TOTP) or one of the recovery codes (django-otp's static tokens,
each deleted once used). A wrong code is a failed sign-in like a wrong password: it sends Django's
user_login_failed, which django-axes counts towards the lockout (settings.AXES_*).
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from staff.signals import device_enrolled, devices_reset

# Ten recovery codes: enough for a lost phone and a few sign-ins until an administrator resets it.
RECOVERY_CODE_COUNT = 10
_TOTP_DIGITS = 6
_DEVICE_NAME = "authenticator app"
_RECOVERY_DEVICE_NAME = "recovery codes"


def code_normalise(code: str) -> str:
    """What staff type, as the devices store it: no spaces or hyphens, ASCII digits, lower case.

    A Hindi keyboard types Devanagari digits (१२३४५६); recovery codes are shown in two groups.
    """
    characters = []
    for character in code.strip():
        if character in " -\u00a0":
            continue
        digit = unicodedata.decimal(character, None)
        characters.append(str(digit) if digit is not None else character.lower())
    return "".join(characters)


def _is_app_code(code: str) -> bool:
    return len(code) == _TOTP_DIGITS and code.isascii() and code.isdigit()


def signin_code_verify(*, request: HttpRequest, user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts this code for this user (using it up), or None: a failed sign-in.

    Six digits are checked against the authenticator app (which takes each code once), anything else
    against the recovery codes, never both. The devices are locked while checked, so a recovery code
    sent twice at once works once.
    """
    normalised = code_normalise(code)
    model = TOTPDevice if _is_app_code(normalised) else StaticDevice
    device = None
    if normalised:
        with transaction.atomic():
            for candidate in model.objects.devices_for_user(user, confirmed=True).select_for_update():
                if candidate.verify_token(normalised):
                    device = candidate
                    break
    if device is None:
        # Counted like a wrong password (django-axes listens): guessing codes is guessing too.
        user_login_failed.send(sender=__name__, credentials={user.USERNAME_FIELD: user.get_username()}, request=request)
    return device


def enrolment_key_new() -> str:
    """A fresh secret for an authenticator app: 20 random bytes, hex-encoded as django-otp keeps it."""
    return random_hex(20)


def _app_code_matches(device: TOTPDevice, code: str) -> bool:
    # django-otp's verify_token saves the device even on a failure (its throttle count), which for a
    # device not yet saved would create it: the same check, without the save.
    normalised = code_normalise(code)
    if not _is_app_code(normalised):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(normalised), device.tolerance):
        return False
    device.last_t = totp.t()  # this code cannot sign in again
    return True


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: tuple[str, ...]


def staff_device_enrol(*, user: AbstractBaseUser, key: str, code: str) -> Enrolment | None:
    """Confirm a new authenticator app with a code it shows, and make the recovery codes.

    None, with nothing written, when the code does not match the key or the user has an app already
    (only a reset removes one). The recovery codes are returned once, to be shown once.
    """
    device = TOTPDevice(user=user, name=_DEVICE_NAME, key=key, confirmed=True)
    if not _app_code_matches(device, code):
        return None
    codes = tuple(StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT))
    with transaction.atomic():
        # The same form sent twice at once: the second waits here, then finds the first's app.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
            return None
        _devices_delete(user)  # recovery codes left from an earlier app, if any
        device.save()
        recovery = StaticDevice.objects.create(user=user, name=_RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
    device_enrolled.send(sender=__name__, user=user)
    return Enrolment(device=device, recovery_codes=codes)


@dataclass(frozen=True)
class DevicesReset:
    totp_devices: int
    static_devices: int


def staff_devices_reset(*, user: AbstractBaseUser) -> DevicesReset:
    """Remove the user's authenticator app and recovery codes: they enrol again at next sign-in.

    Their sessions lose their verified code at once (django-otp finds the device gone).
    """
    with transaction.atomic():
        result = _devices_delete(user)
    devices_reset.send(
        sender=__name__, user=user, totp_devices=result.totp_devices, static_devices=result.static_devices
    )
    return result


def _devices_delete(user: AbstractBaseUser) -> DevicesReset:
    _total, totp = TOTPDevice.objects.filter(user_id=user.pk).delete()
    # Counted per model: deleting a static device deletes its tokens too.
    _total, static = StaticDevice.objects.filter(user_id=user.pk).delete()
    return DevicesReset(
        totp_devices=totp.get(TOTPDevice._meta.label, 0), static_devices=static.get(StaticDevice._meta.label, 0)
    )
