"""The rules and alerts on every page come from the cache, and a staff change shows on the next page load."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from safety.models import Alert, OfficialContact, PaymentChannel, SafetyRule
from safety.selectors import PAGE_ALERTS_KEY, PAGE_CONTACT_KEYS, PAGE_PAYMENT_CHANNELS_KEY, PAGE_RULES_KEY

pytestmark = pytest.mark.django_db


def a_rule(text: str) -> SafetyRule:
    return SafetyRule.objects.create(text_hi=text, text_en=text, display_order=1)


def an_alert(title: str) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        title_hi=title, title_en=title, text_hi="कुछ", text_en="Something", starts_at=now - datetime.timedelta(hours=1)
    )


def test_a_page_load_keeps_the_rules_and_alerts_in_the_cache_and_the_next_one_reads_them_there(
    client, django_assert_num_queries
):
    a_rule("KESCO never asks for your OTP")
    an_alert("Fake bill messages")
    first = client.get("/").content.decode()
    assert cache.get(PAGE_RULES_KEY) is not None
    assert cache.get(PAGE_ALERTS_KEY) is not None
    with django_assert_num_queries(0):
        second = client.get("/").content.decode()
    assert "KESCO never asks for your OTP" in second
    assert "Fake bill messages" in second
    assert "KESCO never asks for your OTP" in first


def test_a_staff_edit_in_the_admin_shows_on_the_next_page_load(admin_client, client):
    rule = a_rule("KESCO never asks for your OTP")
    assert "KESCO never asks for your OTP" in client.get("/").content.decode()
    response = admin_client.post(
        f"/staff/safety/safetyrule/{rule.pk}/change/",
        {
            "text_hi": "KESCO never asks for your PIN",
            "text_en": "KESCO never asks for your PIN",
            "display_order": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/").content.decode()
    assert "KESCO never asks for your PIN" in html
    assert "KESCO never asks for your OTP" not in html


def test_a_new_deleted_or_ended_alert_shows_on_the_next_page_load(client):
    assert "Fake bill messages" not in client.get("/").content.decode()
    alert = an_alert("Fake bill messages")
    assert "Fake bill messages" in client.get("/").content.decode()
    alert.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    alert.save()
    assert "Fake bill messages" not in client.get("/").content.decode()
    alert.ends_at = None
    alert.save()
    assert "Fake bill messages" in client.get("/").content.decode()
    alert.delete()
    assert "Fake bill messages" not in client.get("/").content.decode()


def test_a_deleted_rule_leaves_the_next_page(client):
    rule = a_rule("KESCO never asks for your OTP")
    assert "KESCO never asks for your OTP" in client.get("/").content.decode()
    rule.delete()
    assert "KESCO never asks for your OTP" not in client.get("/").content.decode()


def test_an_alert_that_starts_later_shows_once_its_time_comes_without_a_staff_change(client, monkeypatch):
    now = timezone.now()
    Alert.objects.create(
        title_hi="Later", title_en="Later", text_hi="x", text_en="x", starts_at=now + datetime.timedelta(hours=1)
    )
    assert "Later" not in client.get("/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=2))
    assert "Later" in client.get("/").content.decode()


def test_the_pages_show_the_rules_from_the_database_while_the_cache_is_down(client, settings):
    a_rule("KESCO never asks for your OTP")
    settings.CACHES = {
        "default": {
            "BACKEND": "kesco_lookup.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/")
    assert response.status_code == 200
    assert "KESCO never asks for your OTP" in response.content.decode()


def test_a_new_or_renamed_payment_channel_shows_on_the_next_page_load(client):
    assert "BBPS counter" not in client.get("/").content.decode()
    channel = OfficialContact.objects.create(
        kind="bbps", name_hi="BBPS counter", name_en="BBPS counter", value="KESCO", is_payment_channel=True
    )
    assert "BBPS counter" in client.get("/").content.decode()
    # Saved through the proxy (the payment channels' own admin), which sends its own signal.
    proxy = PaymentChannel.objects.get(pk=channel.pk)
    proxy.name_hi = proxy.name_en = "Bill desk"
    proxy.save()
    html = client.get("/").content.decode()
    assert "Bill desk" in html
    assert "BBPS counter" not in html


def test_marking_contacts_verified_in_the_admin_drops_the_cached_contacts(admin_client, client):
    contact = OfficialContact.objects.create(
        kind="bbps", name_hi="BBPS counter", name_en="BBPS counter", value="KESCO", is_payment_channel=True
    )
    client.get("/")
    assert cache.get(PAGE_PAYMENT_CHANNELS_KEY) is not None
    response = admin_client.post(
        "/staff/safety/officialcontact/", {"action": "mark_verified", "_selected_action": [contact.pk]}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert not contact.is_demo
    assert cache.get(PAGE_PAYMENT_CHANNELS_KEY) is None
    assert [page.is_demo for page in _payment_channels_of_the_page(client)] == [False]


def _payment_channels_of_the_page(client):
    return client.get("/").context["payment_channels"]


def test_the_cache_keys_are_fixed_names_with_nothing_personal():
    assert PAGE_RULES_KEY == "safety:page-rules"
    assert PAGE_ALERTS_KEY == "safety:page-alerts"
    assert PAGE_CONTACT_KEYS == (
        "safety:page-payment-channels",
        "safety:page-division-offices",
        "safety:page-verified-contacts",
    )
