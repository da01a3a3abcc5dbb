"""Authenticator devices (django-otp's TOTPDevice): an enrolment and a reset each reach the trail once."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from audit.signals import connect

pytestmark = pytest.mark.django_db


def _actions() -> list[tuple[str, str, dict]]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", "target", "detail"))


def test_a_device_is_enrolled_once_it_is_confirmed_and_not_again_on_each_code(asha):
    device = TOTPDevice.objects.create(user=asha, name="phone", confirmed=False)
    assert _actions() == []  # shown its QR code, not yet proven
    device.confirmed = True
    device.save()
    TOTPDevice.objects.get(pk=device.pk).save()  # a later code check saves the device again
    assert _actions() == [("device_enrolled", f"otp_totp.TOTPDevice #{device.pk}", {"for_user": asha.pk})]


def test_a_device_created_confirmed_is_enrolled(asha):
    device = TOTPDevice.objects.create(user=asha, name="phone", confirmed=True)
    assert _actions() == [("device_enrolled", f"otp_totp.TOTPDevice #{device.pk}", {"for_user": asha.pk})]


def test_deleting_a_device_is_recorded_as_a_reset(asha, sunita):
    device = TOTPDevice.objects.create(user=sunita, name="phone", confirmed=True)
    device_id = device.pk
    device.delete()
    assert _actions()[-1] == ("device_reset", f"otp_totp.TOTPDevice #{device_id}", {"for_user": sunita.pk})


def test_connecting_twice_records_once(asha):
    connect()  # ready() may run again (tests, reloads): dispatch_uid keeps one receiver each
    TOTPDevice.objects.create(user=asha, name="phone", confirmed=True)
    assert len(_actions()) == 1
