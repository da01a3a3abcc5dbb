"""Every support-desk look at a consumer's mapping is recorded, and no entry ever holds personal data."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet

from audit.models import AuditEntry
from tests.audit.helpers import recorded_besides_signing_in
from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

FIND = "/staff/accounts/accountmapping/find/"
MAPPINGS = "/staff/accounts/accountmapping/"
PERSONAL = ("12345678", "9912345678", "Ramesh", "Kumar", "4321", "Kidwai")


def _recorded() -> QuerySet[AuditEntry]:
    return recorded_besides_signing_in()


def _everything_recorded() -> str:
    return " ".join(
        str(value)
        for entry in AuditEntry.objects.all()
        for value in (entry.username, entry.action, entry.target, entry.address, entry.detail, entry.detail_text)
    )


def test_a_find_that_lands_on_a_mapping_records_the_find_and_the_view(sunita_client, sunita):
    mapping = ramesh()
    response = sunita_client.post(FIND, {"account_number": "1234 5678"}, follow=True)
    assert response.status_code == 200
    entries = list(_recorded().values_list("action", "target", "user", "address"))
    target = f"accounts.AccountMapping #{mapping.pk}"
    assert entries == [
        ("mapping_found", target, sunita.pk, "203.0.113.8"),
        ("mapping_viewed", target, sunita.pk, "203.0.113.8"),
    ]


def test_a_find_that_misses_is_recorded_without_the_number(sunita_client):
    sunita_client.post(FIND, {"account_number": "87654321"})
    [entry] = _recorded()
    assert (entry.action, entry.target) == ("mapping_not_found", "")
    assert "87654321" not in _everything_recorded()


def test_a_number_that_is_not_a_number_is_no_find_and_records_nothing(sunita_client):
    response = sunita_client.post(FIND, {"account_number": "not a number"})
    assert response.status_code == 200
    assert not _recorded().exists()


def test_opening_a_mapping_from_the_list_is_recorded(sunita_client):
    mapping = ramesh()
    assert sunita_client.get(f"{MAPPINGS}{mapping.pk}/change/").status_code == 200
    assert list(_recorded().values_list("action", "target")) == [
        ("mapping_viewed", f"accounts.AccountMapping #{mapping.pk}")
    ]


def test_a_mapping_that_does_not_exist_is_no_view(sunita_client):
    sunita_client.get(f"{MAPPINGS}999999/change/")
    assert not _recorded().exists()


def test_no_entry_holds_a_number_name_or_mobile(sunita_client, asha_client):
    mapping = ramesh()
    sunita_client.post(FIND, {"account_number": "12345678"}, follow=True)
    sunita_client.post(FIND, {"account_number": "9912345678"}, follow=True)
    # An administrator corrects the consumer's name and mobile by hand: the fields are named, not their values.
    asha_client.post(
        f"{MAPPINGS}{mapping.pk}/change/",
        {
            "old_account_number": "12345678",
            "new_account_number": "9912345678",
            "consumer_name": "Ramesh Kumar Gupta",
            "division": "Kidwai Nagar",
            "mobile_last4": "4322",
        },
    )
    assert AuditEntry.objects.filter(action="mapping_changed").get().detail == {
        "change": "changed",
        "fields": ["Consumer name", "Last 4 digits of registered mobile"],
    }
    recorded = _everything_recorded()
    assert _recorded().count() == 5
    assert [value for value in (*PERSONAL, "Gupta", "4322") if value in recorded] == []
