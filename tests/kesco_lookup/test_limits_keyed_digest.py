"""The limiter's keyed digests are salted_hmac's, their key worked out once per salt and secret."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils.crypto import salted_hmac

from kesco_lookup.limits import client_ip, keyed_digest


def test_it_gives_what_salted_hmac_gives_so_stored_counters_keep_their_keys(settings):
    for salt, value in [("kesco_lookup.limits", "lookup_per_ip_minute|10.0.0.1"), ("accounts.usage.number", "१२")]:
        assert keyed_digest(salt, value) == salted_hmac(salt, value, algorithm="sha256").hexdigest()
    before = keyed_digest("accounts.limits.account", "12345678")
    settings.SECRET_KEY = "another secret, another key" * 2
    after = keyed_digest("accounts.limits.account", "12345678")
    assert after != before
    assert after == salted_hmac("accounts.limits.account", "12345678", algorithm="sha256").hexdigest()


def test_it_works_out_the_client_address_once_a_request():
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:10.0.0.7")
    assert client_ip(request) == "10.0.0.7"
    request.META["REMOTE_ADDR"] = "10.0.0.8"  # never happens while serving: shows the address is kept
    assert client_ip(request) == "10.0.0.7"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")) == "10.0.0.8"
