"""Sign-ins, failed sign-ins and sign-outs reach the trail, with the address the rate limits trust."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.audit.helpers import recorded_besides_signing_in

pytestmark = pytest.mark.django_db

LOGIN = "/staff/login/"
PASSWORD = "a-long-test-password"


def _only_entry(*, besides_signing_in: bool = False) -> AuditEntry:
    entries = list(recorded_besides_signing_in() if besides_signing_in else AuditEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


def test_it_records_a_sign_in_with_who_and_from_where(asha):
    response = Client(REMOTE_ADDR="203.0.113.9").post(LOGIN, {"username": "asha", "password": PASSWORD})
    assert response.status_code == 302
    entry = _only_entry()
    assert (entry.action, entry.user, entry.username, entry.address) == ("sign_in", asha, "asha", "203.0.113.9")


def test_it_records_a_failed_sign_in_with_the_username_tried_and_nobody_signed_in(asha):
    response = Client(REMOTE_ADDR="203.0.113.9").post(LOGIN, {"username": "asha", "password": "wrong"})
    assert response.status_code == 200
    entry = _only_entry()
    assert (entry.action, entry.user, entry.username, entry.address) == ("sign_in_failed", None, "asha", "203.0.113.9")


def test_it_records_a_failed_sign_in_as_someone_who_does_not_exist(db):
    Client(REMOTE_ADDR="203.0.113.9").post(LOGIN, {"username": "guessed-name", "password": "wrong"})
    entry = _only_entry()
    assert (entry.action, entry.username) == ("sign_in_failed", "guessed-name")
    assert PASSWORD not in str(entry.detail) and "wrong" not in str(entry.detail)


def test_it_records_a_sign_out(asha_client, asha):
    response = asha_client.post("/staff/logout/")
    assert response.status_code == 200
    entry = _only_entry(besides_signing_in=True)
    assert (entry.action, entry.user, entry.address) == ("sign_out", asha, "203.0.113.7")


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_not_recorded(asha, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    client = Client(REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="192.0.2.44")
    client.post(LOGIN, {"username": "asha", "password": "wrong"})
    assert _only_entry().address == "198.51.100.20"


def test_the_address_behind_a_trusted_proxy_is_the_one_it_forwards(asha, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.44")
    client.post(LOGIN, {"username": "asha", "password": PASSWORD})
    assert _only_entry().address == "192.0.2.44"


def test_signing_out_when_nobody_is_signed_in_records_nothing(db):
    Client().post("/staff/logout/")
    assert not AuditEntry.objects.exists()
