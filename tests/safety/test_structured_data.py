"""The home page's schema.org JSON-LD names the official website and helpline, but only registry
entries staff verified: a demo entry shown to a search engine as official would help the fraud."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from safety.demo import load_safety_demo
from safety.models import OfficialContact
from tests.kesco_lookup.headers import inline_code_problems
from tests.safety.helpers import verified_contact

pytestmark = pytest.mark.django_db

Kind = OfficialContact.Kind


def structured_data(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def home_data(client: Client, address: str = "/") -> dict:
    (data,) = structured_data(client.get(address).content.decode())
    return data


def _verify(seed_key: str) -> OfficialContact:
    contact = OfficialContact.objects.get(seed_key=seed_key)
    contact.is_demo, contact.verified_on = False, timezone.localdate()
    contact.save()  # the save drops the pages' cached copy (safety/signals.py)
    return contact


def test_it_describes_the_service_in_valid_json_ld(client, settings):
    settings.SITE_URL = "https://lookup.example"
    data = home_data(client)
    assert data["@context"] == "https://schema.org" and data["@type"] == "GovernmentService"
    assert data["url"] == "https://lookup.example/" and data["inLanguage"] == "hi"
    assert data["provider"]["@type"] == "Organization"
    english = home_data(client, "/en/")
    assert english["url"] == "https://lookup.example/en/" and english["inLanguage"] == "en"
    assert english["name"] == "Find your new KESCO account number"


def test_it_never_names_a_demo_entry(client):
    load_safety_demo()
    text = json.dumps(home_data(client))
    for contact in OfficialContact.objects.all():
        assert contact.value not in text, contact.seed_key
    assert "contactPoint" not in text and "availableChannel" not in text


def test_it_names_the_website_and_helpline_once_staff_verify_them(client):
    load_safety_demo()
    client.get("/")  # the unverified registry, now in the cache
    website, helpline = _verify("website-kesco"), _verify("phone-helpline")
    provider = home_data(client)["provider"]
    assert provider["url"] == website.value == "https://www.kesco.co.in"
    assert provider["contactPoint"] == [
        {"@type": "ContactPoint", "telephone": "1912", "contactType": "customer service", "name": "बिजली हेल्पलाइन"}
    ]
    assert helpline.value == "1912"
    channels = home_data(client, "/en/")["availableChannel"]
    assert channels == [{"@type": "ServiceChannel", "name": "KESCO website", "serviceUrl": "https://www.kesco.co.in"}]


def test_it_leaves_out_unverified_inactive_and_other_kinds_of_entries(client):
    verified_contact(kind=Kind.WEBSITE, value="https://verified.example", name_en="Verified site")
    OfficialContact.objects.create(
        kind=Kind.WEBSITE, name_hi="x", name_en="x", value="https://not-checked.example", is_demo=False
    )
    verified_contact(kind=Kind.PHONE, value="1800111111", name_en="Old line", is_active=False)
    verified_contact(kind=Kind.UPI, value="kesco@bank", name_en="UPI")
    verified_contact(kind=Kind.DIVISION_OFFICE, value="05120000001", name_en="Office")
    text = json.dumps(home_data(client))
    assert "https://verified.example" in text
    for value in ("not-checked.example", "1800111111", "kesco@bank", "05120000001"):
        assert value not in text


def test_it_cannot_end_its_script_block_early(client):
    verified_contact(kind=Kind.PHONE, value="1912", name_en="</script><script>alert(1)</script>")
    html = Client().get("/en/").content.decode()
    assert "<script>alert(1)" not in html
    assert home_data(client, "/en/")["provider"]["contactPoint"][0]["name"].startswith("</script>")


def test_the_policy_has_nothing_to_allow_for_it(client):
    # A data block (type application/ld+json) is never run: script-src does not apply, no hash needed.
    response = client.get("/")
    assert 'type="application/ld+json"' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "sha256-" not in policy
    assert inline_code_problems(response.content.decode(), policy) == []


def test_only_the_home_page_carries_it_and_never_an_answer(client):
    for address in ("/check/", "/en/check/qr/", "/report/"):
        assert structured_data(client.get(address).content.decode()) == []
    answer = client.post("/lookup/", {"old_account_number": "12", "mobile_last4": "1"}).content.decode()
    assert structured_data(answer) == []
