"""Counting lookups in the cache and folding them into the database: what is counted, and what never.

Each test runs on the configured cache (Redis in CI) and on the embedded disk cache.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import usage
from accounts.models import LookupDay, MissingNumberDay
from accounts.services import lookup_usage_fold
from accounts.usage import Counted, tally
from safety.selectors import PAGE_ALERTS_KEY, PAGE_CONTACT_KEYS, PAGE_REGISTRY_STAMP_KEY, PAGE_RULES_KEY
from safety.services import page_copies_drop
from tests.helpers import anita_without_mobile, make_mapping, ramesh

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
UNKNOWN = "87654321"


@pytest.fixture(params=["configured", "disk"])
def counting_cache(request, tmp_path, monkeypatch):
    """The configured cache, then the disk cache of a fresh checkout; counts land on TODAY."""
    monkeypatch.setattr(usage, "_today", lambda: TODAY)
    if request.param == "configured":
        yield
        return
    disk = {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "cache"), "DATABASE_TIMEOUT": 1.0}
    with override_settings(CACHES={"default": disk}):
        yield
        tally().clear()


def lookup(client: Client, old: str, mobile: str, address: str = "203.0.113.7"):
    return client.post("/lookup/", {"old_account_number": old, "mobile_last4": mobile}, REMOTE_ADDR=address)


def folded_day() -> LookupDay:
    lookup_usage_fold(today=TODAY)
    return LookupDay.objects.get(day=TODAY)


def test_it_counts_each_answer_by_outcome(client, counting_cache):
    ramesh()
    lookup(client, "12345678", "4321")  # matched
    lookup(client, "9912345678", "4321")  # already the new number
    lookup(client, UNKNOWN, "4321")  # no match: unknown number
    lookup(client, "12345678", "9999")  # no match: wrong mobile
    lookup(client, "12", "4321")  # malformed: no lookup at all
    day = folded_day()
    assert (day.matched, day.already_new, day.no_match, day.limited) == (1, 1, 2, 0)


def test_it_counts_a_limited_lookup_as_limited(client, counting_cache, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup_per_ip_minute": "1/m"}
    lookup(client, UNKNOWN, "4321")
    assert lookup(client, UNKNOWN, "4321").status_code == 429
    day = folded_day()
    assert (day.no_match, day.limited) == (1, 1)


def test_it_counts_an_unknown_number_but_not_a_wrong_mobile_a_missing_mobile_or_bad_input(client, counting_cache):
    ramesh()
    anita_without_mobile()
    lookup(client, UNKNOWN, "4321")
    lookup(client, "8765 4321", "1111")  # the same number, typed with a space
    lookup(client, "12345678", "9999")  # known number, wrong mobile
    lookup(client, "22223333", "4321")  # known number, no mobile on file
    lookup(client, "9912345678", "9999")  # a known new number, wrong mobile
    lookup(client, "12AB5678", "4321")  # malformed
    lookup(client, "123", "4321")  # too short
    lookup_usage_fold(today=TODAY)
    assert list(MissingNumberDay.objects.values_list("old_account_number", "day", "searches")) == [(UNKNOWN, TODAY, 2)]


def test_it_counts_first_and_last_seen_and_different_addresses(client, counting_cache):
    before = timezone.now()
    for address in ("203.0.113.7", "203.0.113.7", "198.51.100.1", "198.51.100.2"):
        lookup(client, UNKNOWN, "4321", address)
    lookup_usage_fold(today=TODAY)
    row = MissingNumberDay.objects.get()
    assert (row.searches, row.addresses) == (4, 3)
    assert before - datetime.timedelta(seconds=1) <= row.first_seen <= row.last_seen <= timezone.now()


def test_the_fold_carries_counts_once_however_often_it_runs(client, counting_cache):
    lookup(client, UNKNOWN, "4321", "203.0.113.7")
    lookup(client, UNKNOWN, "4321", "198.51.100.1")
    lookup_usage_fold(today=TODAY)
    lookup_usage_fold(today=TODAY)  # nothing new: nothing added
    row = MissingNumberDay.objects.get()
    assert (row.searches, row.addresses) == (2, 2)
    assert LookupDay.objects.get(day=TODAY).no_match == 2
    # Later lookups add to the day; an address seen before that day is not counted twice.
    lookup(client, UNKNOWN, "4321", "203.0.113.7")
    lookup(client, UNKNOWN, "4321", "192.0.2.9")
    lookup_usage_fold(today=TODAY)
    lookup_usage_fold(today=TODAY)
    row.refresh_from_db()
    assert (row.searches, row.addresses) == (4, 3)
    assert LookupDay.objects.get(day=TODAY).no_match == 4


def test_counts_made_while_nothing_folds_are_not_lost(client, counting_cache):
    lookup(client, UNKNOWN, "4321")
    # The database refuses the fold: the counts go back to the cache for the next one.
    original = LookupDay.objects.get_or_create

    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    LookupDay.objects.get_or_create = refuse
    try:
        with pytest.raises(RuntimeError):
            lookup_usage_fold(today=TODAY)
    finally:
        LookupDay.objects.get_or_create = original
    assert not MissingNumberDay.objects.exists()
    lookup(client, UNKNOWN, "4321")
    lookup_usage_fold(today=TODAY)
    assert MissingNumberDay.objects.get().searches == 2
    assert LookupDay.objects.get(day=TODAY).no_match == 2


def test_todays_figures_add_what_is_not_folded_yet(client, counting_cache):
    from accounts.selectors import lookup_days_list

    ramesh()
    lookup(client, "12345678", "4321")
    lookup_usage_fold(today=TODAY)
    lookup(client, "12345678", "4321")
    lookup(client, UNKNOWN, "4321")
    today = lookup_days_list(days=30, today=TODAY)[-1]
    assert (today.day, today.matched, today.no_match) == (TODAY, 2, 1)


def test_the_lookup_writes_nothing_to_the_database(client, counting_cache):
    ramesh()
    anita_without_mobile()
    for old, mobile in (("12345678", "4321"), (UNKNOWN, "4321"), ("12345678", "9999"), ("22223333", "4321")):
        # The page's rules, alerts and contacts come from the cache when it holds them; dropped here, so
        # that every statement of a cold page is seen too.
        page_copies_drop(keys=(PAGE_RULES_KEY, PAGE_ALERTS_KEY, *PAGE_CONTACT_KEYS))
        with CaptureQueriesContext(connection) as captured:
            lookup(client, old, mobile)
        statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
        # The lookup, the payment channels, the safety rules, the alerts: as before counting; and a
        # miss reads the division offices it lists.
        reads = 4 if (old, mobile) == ("12345678", "4321") else 5
        assert statements == ["SELECT"] * reads, captured.captured_queries


def test_both_kinds_of_miss_go_to_the_counting_store_the_same_way(client, monkeypatch):
    ramesh()
    calls = []
    store_class = tally().__class__
    real_count = store_class.count

    def recorded(self, outcome, day, miss, release=None, read=None):
        calls.append((outcome, miss, release, read))
        return real_count(self, outcome, day, miss, release, read)

    monkeypatch.setattr(store_class, "count", recorded)
    lookup(client, UNKNOWN, "4321")
    lookup(client, "12345678", "9999")
    # Neither lets go of a turn here: both misses did in their failure's script. Both read the
    # registry's stamp for their page alike.
    assert [(outcome, miss.number, miss.unknown, release, read) for outcome, miss, release, read in calls] == [
        (Counted.NO_MATCH, UNKNOWN, True, None, PAGE_REGISTRY_STAMP_KEY),
        (Counted.NO_MATCH, "12345678", False, None, PAGE_REGISTRY_STAMP_KEY),
    ]


@pytest.mark.redis
def test_on_redis_both_kinds_of_miss_send_the_same_commands_in_one_round_trip(client, monkeypatch):
    # Timing: the counting adds one pipeline to a miss, the same commands whichever kind it is
    # (make bench-lookup measures the whole).
    from redis.client import Pipeline

    ramesh()
    sent: list[list[str]] = []
    real_execute = Pipeline.execute

    def recorded(self, *args, **kwargs):
        sent.append([command[0][0] for command in self.command_stack])
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", recorded)
    monkeypatch.setattr(usage, "_today", lambda: TODAY)
    assert isinstance(tally(), usage._RedisTally)
    lookup(client, UNKNOWN, "4321")
    unknown_commands = sent[:]
    sent.clear()
    lookup(client, "12345678", "9999")
    counting = [commands for commands in sent if "PFADD" in commands]
    assert len([c for c in unknown_commands if "PFADD" in c]) == 1 and len(counting) == 1
    assert [c for c in unknown_commands if "PFADD" in c] == counting


def test_the_cache_holds_no_address_and_no_known_number(client, counting_cache):
    ramesh()
    lookup(client, UNKNOWN, "4321", "203.0.113.77")
    lookup(client, "12345678", "9999", "203.0.113.77")
    store = tally()
    if isinstance(store, usage._DiskTally):
        dumped = repr([(key, store.store.get(key)) for key in store.store.iterkeys()])
    else:
        redis_ = store._client()
        # Read, not DUMP: Redis encodes short digit strings as integers in its dumps.
        read = {"string": redis_.get, "hash": redis_.hgetall}
        dumped = repr({key: read.get(redis_.type(key).decode(), redis_.type)(key) for key in redis_.keys("*")})
    assert UNKNOWN in dumped  # what the fold carries to the list
    assert "203.0.113.77" not in dumped
    assert "12345678" not in dumped


def test_a_cache_that_fails_loses_the_count_not_the_answer(client, monkeypatch):
    ramesh()

    def broken(*args, **kwargs):
        raise ConnectionError

    monkeypatch.setattr(usage, "tally", broken)
    response = lookup(client, "12345678", "4321")
    assert response.status_code == 200 and "99123" in response.content.decode()


def test_the_fold_runs_from_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["lookup-usage-fold"]
    assert schedule["task"] == "accounts.tasks.lookup_usage_fold_task"
    assert schedule["schedule"] <= 600


def test_a_mapping_added_later_is_still_found_by_the_lookup(client, counting_cache):
    lookup(client, UNKNOWN, "4321")
    make_mapping(UNKNOWN, "9987654321", mobile_last4="4321")
    assert "99876" in lookup(client, UNKNOWN, "4321").content.decode()


@pytest.mark.redis
def test_on_redis_addresses_are_a_hyperloglog_close_to_the_true_count(monkeypatch):
    # Two thousand different addresses in the ~12 KB a HyperLogLog takes at most: an estimate
    # within 2% (Redis's standard error is 0.81%), and no address or hash of one kept in a list.
    monkeypatch.setattr(usage, "_today", lambda: TODAY)
    store = tally()
    assert isinstance(store, usage._RedisTally)
    for index in range(2000):
        usage.lookup_counted(
            outcome=Counted.NO_MATCH, account_number=UNKNOWN, address=f"10.0.{index // 250}.{index % 250}", unknown=True
        )
    lookup_usage_fold(today=TODAY)
    row = MissingNumberDay.objects.get()
    assert row.searches == 2000
    assert abs(row.addresses - 2000) <= 40
    redis_ = store._client()
    key = store._key(f"missing:{TODAY.isoformat()}:addresses:{usage._number_digest(UNKNOWN)}")
    assert redis_.get(key).startswith(b"HYLL")
