"""The form pages are rendered once per process, language and registry stamp, with each visitor's own
CSRF token put in (kesco_lookup/pages.py); the registry's lists are kept per process while the stamp
in the cache is unchanged (safety/selectors.py)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from safety.models import GenuineMessage, SafetyRule
from safety.selectors import PAGE_REGISTRY_STAMP_KEY, PAGE_RULES_KEY
from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def a_rule(text: str) -> SafetyRule:
    return SafetyRule.objects.create(text_hi=text, text_en=text, display_order=1)


def a_genuine_message(description: str) -> GenuineMessage:
    return GenuineMessage.objects.create(
        sender_id="KESCOB",
        description_hi=description,
        description_en=description,
        never_contains_hi="links",
        never_contains_en="links",
    )


def test_each_visitor_gets_a_token_of_their_own_that_the_lookup_accepts():
    ramesh()
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get("/") for visitor in visitors]
    tokens = [TOKEN.search(page.content.decode()).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    assert all("csrf-placeholder" not in page.content.decode() for page in pages)
    assert all("csrftoken" in page.cookies for page in pages)
    assert all("Cookie" in page["Vary"] for page in pages)
    for visitor, token in zip(visitors, tokens, strict=True):
        body = {"csrfmiddlewaretoken": token, "old_account_number": "12345678", "mobile_last4": "4321"}
        assert visitor.post("/lookup/", body).status_code == 200
    # The form still needs a token.
    stranger = Client(enforce_csrf_checks=True)
    body = {"old_account_number": "12345678", "mobile_last4": "4321"}
    assert stranger.post("/lookup/", body).status_code == 403


@pytest.mark.parametrize("address", ["/", "/check/", "/check/qr/", "/report/", "/en/report/"])
def test_the_form_pages_run_no_query_once_rendered(client, django_assert_num_queries, address):
    a_rule("KESCO never asks for your OTP")
    a_genuine_message("Your monthly bill")
    first = client.get(address)
    with django_assert_num_queries(0):
        again = client.get(address)
    assert again.status_code == first.status_code == 200
    assert first.templates and not again.templates  # kept: no template rendered the second time
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "KESCO never asks for your OTP" in again.content.decode()
    if address == "/check/":
        assert "Your monthly bill" in again.content.decode()


@pytest.mark.parametrize("address", ["/check/qr/", "/report/"])
def test_the_upload_forms_accept_the_token_their_kept_page_gave_each_visitor(address):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = [TOKEN.search(visitor.get(address).content.decode()).group(1) for visitor in visitors]
    assert tokens[0] != tokens[1]
    for visitor, token in zip(visitors, tokens, strict=True):
        # An empty form: refused by the form (200, with its messages), not by the CSRF check (403).
        assert visitor.post(address, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Client(enforce_csrf_checks=True).post(address, {}).status_code == 403


def test_each_language_has_its_own_page(client):
    hindi = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert 'lang="hi"' in hindi and 'lang="en"' in english
    assert "Find your new account number" in english and "Find your new account number" not in hindi


def test_a_new_stamp_written_by_another_process_makes_this_one_read_the_registry_again(client):
    a_rule("KESCO never asks for your OTP")
    assert "your OTP" in client.get("/").content.decode()
    # Changed without a signal, and the cache's copy gone: this process keeps its own copy...
    SafetyRule.objects.update(text_hi="KESCO never asks for your PIN", text_en="KESCO never asks for your PIN")
    cache.delete(PAGE_RULES_KEY)
    assert "your OTP" in client.get("/").content.decode()
    # ...until the stamp changes, as another process's staff change writes it.
    cache.set(PAGE_REGISTRY_STAMP_KEY, "written-by-another-process", None)
    html = client.get("/").content.decode()
    assert "your PIN" in html and "your OTP" not in html


def test_a_new_genuine_message_shows_on_the_next_load_of_the_check_page(client):
    assert "Your meter reading" not in client.get("/check/").content.decode()
    a_genuine_message("Your meter reading")
    assert "Your meter reading" in client.get("/check/").content.decode()


def test_a_query_string_is_never_served_from_a_shared_page(client):
    client.get("/")
    with_query = client.get("/?utm_source=poster")
    assert with_query.status_code == 200
    assert with_query.context is not None  # rendered for this request


def test_a_staff_change_shows_on_the_next_answer_page(client):
    ramesh()
    rule = a_rule("KESCO never asks for your OTP")
    body = {"old_account_number": "12345678", "mobile_last4": "4321"}
    assert "your OTP" in client.post("/lookup/", body).content.decode()
    rule.text_hi = rule.text_en = "KESCO never asks for your PIN"
    rule.save()
    html = client.post("/lookup/", body).content.decode()
    assert "your PIN" in html and "your OTP" not in html


def test_a_new_stamp_written_by_another_process_shows_on_the_next_answer_page(client):
    # The answer page's stamp is read with the lookup's count (accounts/usage.py), not on its own.
    ramesh()
    a_rule("KESCO never asks for your OTP")
    body = {"old_account_number": "12345678", "mobile_last4": "4321"}
    assert "your OTP" in client.post("/lookup/", body).content.decode()
    SafetyRule.objects.update(text_hi="KESCO never asks for your PIN", text_en="KESCO never asks for your PIN")
    cache.delete(PAGE_RULES_KEY)
    assert "your OTP" in client.post("/lookup/", body).content.decode()  # no new stamp: this process's copy
    cache.set(PAGE_REGISTRY_STAMP_KEY, "written-by-another-process", None)
    html = client.post("/lookup/", body).content.decode()
    assert "your PIN" in html and "your OTP" not in html


def test_the_database_down_page_leaves_no_shared_block_behind(client, rf):
    # The 503 page is drawn without the registry: its warning box must not be kept for other pages.
    from kesco_lookup.views import database_unavailable

    a_rule("KESCO never asks for your OTP")
    assert database_unavailable(rf.get("/")).status_code == 503
    assert "your OTP" in client.get("/").content.decode()


def test_a_head_request_leaves_no_page_for_the_gets(client):
    # The search meta differs for a HEAD (no index): the GET after it must still be indexable.
    client.head("/")
    assert 'name="robots" content="noindex"' not in client.get("/").content.decode()
