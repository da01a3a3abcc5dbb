"""load_demo: demo data that can be loaded again without duplicates or lost edits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import EXAMPLES
from accounts.models import AccountMapping
from safety.models import OfficialContact, PaymentChannel, SafetyRule
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_a_few_thousand_mappings_and_prints_the_examples_to_try():
    output = load()
    assert AccountMapping.objects.count() > 2000
    for example in EXAMPLES:
        assert example.old_account_number in output
        assert AccountMapping.objects.filter(
            old_account_number=example.old_account_number, new_account_number=example.new_account_number
        ).exists()


def test_the_documented_examples_work_on_the_lookup_page(client):
    load()
    html = client.post("/lookup/", {"old_account_number": "10000001", "mobile_last4": "4321"}).content.decode()
    assert "2100000001" in page_text(html)


def test_it_is_idempotent():
    load()
    counts = (AccountMapping.objects.count(), OfficialContact.objects.count(), SafetyRule.objects.count())
    output = load()
    assert (AccountMapping.objects.count(), OfficialContact.objects.count(), SafetyRule.objects.count()) == counts
    assert "Account mappings added: 0" in output


def test_it_keeps_staff_edits_on_a_second_run():
    load()
    channel = PaymentChannel.objects.get(seed_key="website-kesco")
    channel.name_en = "Checked by staff"
    channel.is_demo = False
    channel.save()
    load()
    channel.refresh_from_db()
    assert channel.name_en == "Checked by staff"
    assert channel.is_demo is False


def test_every_seeded_contact_is_marked_as_demo_data():
    load()
    assert OfficialContact.objects.exists()
    assert not OfficialContact.objects.filter(is_demo=False).exists()
    assert set(PaymentChannel.objects.values_list("kind", flat=True)) >= {"website", "bbps", "cash_counter"}


def test_it_seeds_the_kesco_never_rules_in_both_languages():
    load()
    texts = " ".join(SafetyRule.objects.values_list("text_en", flat=True))
    for needle in ("disconnection", "QR", "install", "UPPCLT", "UPPCLA", "1912"):
        assert needle in texts
    assert not SafetyRule.objects.filter(text_hi="").exists()


def test_it_prints_no_match_for_the_example_without_a_mobile_on_file():
    # The lookup never shows the new number of an account with no mobile on file; the printed
    # example must not promise it either.
    lines = {line.split(" / ")[0].strip(): line for line in load().splitlines() if " / " in line}
    assert "'no match'" in lines["10000003"]
    assert "2100000003" not in lines["10000003"]
    assert "2100000001" in lines["10000001"]
