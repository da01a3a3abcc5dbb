"""The support desk finds a caller's mapping without the old number: by name, division and mobile."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountMapping
from accounts.selectors import FOUND_BY_NAME_MAX
from audit.models import AuditEntry
from tests.helpers import make_mapping, sign_in

pytestmark = pytest.mark.django_db

FIND = "/staff/accounts/accountmapping/find/"
BY_NAME = "/staff/accounts/accountmapping/find/by-name/"


@pytest.fixture
def desk(client: Client) -> Client:
    """Sunita, on the helpdesk: staff in the Support desk group, nothing else."""
    user = User.objects.create_user("sunita", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    sign_in(client, user)
    return client


def find(client: Client, name: str, division: str = "Kidwai Nagar", mobile: str = "4321"):
    return client.post(BY_NAME, {"consumer_name": name, "division": division, "mobile_last4": mobile})


def found_numbers(response) -> list[str]:
    html = response.content.decode()
    if 'id="found-by-name"' not in html:
        return []
    table = html.split('id="found-by-name"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/staff/accounts/accountmapping/\d+/change/">(\d+)</a>', table)


@pytest.mark.parametrize("typed", ["ramesh", "RAMESH KUMAR", "mesh ku", "  Ramesh   Kumar "])
def test_it_finds_by_part_of_the_name_whatever_the_case(desk, typed):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    assert found_numbers(find(desk, typed)) == ["12345678"]


@pytest.mark.parametrize(
    "stored,typed",
    [
        ("José Fernandes", "jose"),
        ("Jose Fernandes", "JOSÉ"),
        ("Zareena Begum", "zareena"),
        ("राज़ेश वर्मा", "राजेश"),  # with and without the nukta
        ("हँसमुख लाल", "हंसमुख"),  # chandrabindu typed as anusvara
    ],
)
def test_it_finds_names_whatever_their_accents(desk, stored, typed):
    make_mapping("12345678", "9912345678", name=stored)
    assert found_numbers(find(desk, typed)) == ["12345678"]


def test_it_needs_the_division_and_the_mobile_to_match_too(desk):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    assert found_numbers(find(desk, "ramesh", division="kidwai nagar")) == ["12345678"]
    assert found_numbers(find(desk, "ramesh", division="Civil Lines")) == []
    assert found_numbers(find(desk, "ramesh", mobile="4322")) == []


@pytest.mark.parametrize("missing", ["consumer_name", "division", "mobile_last4"])
def test_it_refuses_a_search_without_all_three(desk, missing):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    data = {"consumer_name": "ramesh", "division": "Kidwai Nagar", "mobile_last4": "4321", missing: ""}
    response = desk.post(BY_NAME, data)
    assert response.status_code == 200
    assert found_numbers(response) == []
    assert "12345678" not in response.content.decode()


def test_it_refuses_a_one_letter_name(desk):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    assert found_numbers(find(desk, "r")) == []


def test_it_shows_at_most_a_handful_and_says_there_are_more(desk):
    for index in range(FOUND_BY_NAME_MAX + 3):
        make_mapping(f"1000000{index}", f"990000000{index}", name=f"Ramesh Kumar {index}")
    response = find(desk, "kumar")
    assert len(found_numbers(response)) == FOUND_BY_NAME_MAX
    assert 'class="more-found"' in response.content.decode()


def test_a_get_never_searches_and_the_answer_is_never_in_a_url(desk):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    response = desk.get(BY_NAME, {"consumer_name": "ramesh", "division": "Kidwai Nagar", "mobile_last4": "4321"})
    assert response.status_code == 200
    assert found_numbers(response) == []
    answer = find(desk, "ramesh")
    # Answered in the page of the POST (no redirect to an address that carries it), never cached,
    # and each answer links to the mapping by its id only.
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    html = answer.content.decode()
    assert re.search(r'<form method="post" action="/staff/accounts/accountmapping/find/by-name/">', html)
    table = html.split('id="found-by-name"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'href="([^"]+)"', table) == [
        f"/staff/accounts/accountmapping/{AccountMapping.objects.get().pk}/change/"
    ]


def test_a_new_number_still_finds_the_mapping(desk):
    mapping = make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    response = desk.post(FIND, {"account_number": "9912345678"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/accounts/accountmapping/{mapping.pk}/change/"


def test_it_reads_only_the_rows_with_that_mobile_ending(desk):
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")

    with CaptureQueriesContext(connection) as captured:
        find(desk, "ramesh")
    lookups = [q["sql"] for q in captured.captured_queries if "accounts_accountmapping" in q["sql"]]
    assert len(lookups) == 1 and "mobile_last4" in lookups[0]


def test_the_find_is_audited_with_its_outcome_but_nothing_typed(desk, caplog):
    mapping = make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    with caplog.at_level(logging.INFO):
        find(desk, "ramesh")
    [entry] = AuditEntry.objects.filter(action__in=["mapping_found", "mapping_not_found"])
    assert (entry.action, entry.target, entry.detail) == (
        "mapping_found",
        f"accounts.AccountMapping #{mapping.pk}",
        {"method": "name"},
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    recorded = " ".join(f"{row.target} {row.detail}" for row in AuditEntry.objects.all())
    for secret in ("ramesh", "Ramesh", "4321", "Kidwai", "12345678"):
        assert secret not in logged
        assert secret not in recorded


def test_a_find_by_name_that_misses_is_audited_as_a_miss(desk):
    find(desk, "nobody")
    [entry] = AuditEntry.objects.filter(action__in=["mapping_found", "mapping_not_found"])
    assert (entry.action, entry.target, entry.detail) == ("mapping_not_found", "", {"method": "name"})


def test_staff_who_may_not_see_mappings_cannot_search(client):
    user = User.objects.create_user("guest", password="a-long-test-password", is_staff=True)
    sign_in(client, user)
    make_mapping("12345678", "9912345678", name="Ramesh Kumar")
    assert find(client, "ramesh").status_code == 403
