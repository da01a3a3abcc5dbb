"""The lookup's read on a streaming replica: only that read, and the primary when the replica is down.

The unit tests name a replica that cannot be reached; the `postgres` ones use the real streaming
replica .ci/replica sets up (KESCO_TEST_REPLICA_PORT, KESCO_TEST_REPLICA_DIR): physical replication
copies the whole cluster, so pytest-django's test database is on it too, under the same name.
"""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountMapping
from accounts.selectors import Outcome, mapping_lookup
from kesco_lookup import replica
from tests.helpers import ramesh, service_missing
from tests.imports.helpers import batch_applied, csv_bytes


@pytest.fixture(autouse=True)
def _replica_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replica, "_replica_down_until", 0.0)


@contextmanager
def replica_alias(**changes: object) -> Iterator[None]:
    """A `replica` database alias, like the primary's but for ``changes``, for the block.

    Made as a connection of its own, not through DATABASES: Django lets a test use a connection made
    at run time, where it would refuse one to an alias of the settings the test did not ask for.
    """
    primary = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    wanted = {**primary, "OPTIONS": {**primary.get("OPTIONS", {})}, **changes}
    wanted = connections.configure_settings({DEFAULT_DB_ALIAS: primary, replica.REPLICA: wanted})[replica.REPLICA]
    replica_connection = load_backend(wanted["ENGINE"]).DatabaseWrapper(wanted, replica.REPLICA)
    connections[replica.REPLICA] = replica_connection
    try:
        yield
    finally:
        replica_connection.close()
        del connections[replica.REPLICA]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unreachable_postgres() -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": str(_closed_port()),
        "NAME": "nowhere",
        "USER": "nobody",
        "OPTIONS": {"connect_timeout": 1},
    }


def _aliases_used(read: Callable[[str], object]) -> list[str]:
    used: list[str] = []

    def spying(alias: str) -> object:
        used.append(alias)
        return read(alias)

    replica.replica_read(spying)
    return used


@pytest.mark.django_db
def test_without_a_replica_the_lookup_reads_from_the_primary() -> None:
    ramesh()
    assert not replica.replica_configured()
    assert _aliases_used(lambda alias: alias) == ["default"]
    assert mapping_lookup(account_number="12345678", mobile_last4="4321").outcome == Outcome.FOUND


@pytest.mark.django_db
def test_a_replica_that_cannot_be_reached_falls_back_to_the_primary_and_is_left_alone_a_while() -> None:
    ramesh()
    with replica_alias(**_unreachable_postgres()):
        assert replica.replica_configured()
        started = time.monotonic()
        result = mapping_lookup(account_number="12345678", mobile_last4="4321")
        assert time.monotonic() - started < 5
        assert (result.outcome, result.new_account_number) == (Outcome.FOUND, "9912345678")
        # The next lookups go straight to the primary, without another connect to wait for.
        assert _aliases_used(lambda alias: None) == ["default"]


@pytest.mark.django_db
def test_nothing_but_the_lookup_reads_or_writes_on_the_replica() -> None:
    with replica_alias(**_unreachable_postgres()):
        created = AccountMapping.objects.create(
            old_account_number="55556666", new_account_number="9955556666", consumer_name="Sita", mobile_last4="1111"
        )
        assert created._state.db == "default"
        assert AccountMapping.objects.all().db == "default"
        assert AccountMapping.objects.filter(old_account_number="55556666").exists()


# --- The real streaming replica ---------------------------------------------------------------------


@pytest.fixture
def real_replica() -> Iterator[tuple[str, str]]:
    port, data_dir = os.environ.get("KESCO_TEST_REPLICA_PORT"), os.environ.get("KESCO_TEST_REPLICA_DIR")
    if not (port and data_dir):
        service_missing("needs a streaming replica: run .ci/replica, set KESCO_TEST_REPLICA_PORT and _DIR")
    yield port, data_dir
    _pg_ctl(data_dir, "start", "-w", "-t", "60", "-l", f"{data_dir}/replica.log")  # as it was, if a test stopped it


def _pg_ctl(data_dir: str, *args: str) -> None:
    (pg_ctl,) = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1:]
    status = subprocess.run(["runuser", "-u", "postgres", "--", pg_ctl, "-D", data_dir, "status"], capture_output=True)
    if (args[0] == "start") == (status.returncode == 0):
        return  # already running / already stopped
    subprocess.run(["runuser", "-u", "postgres", "--", pg_ctl, "-D", data_dir, *args], check=True, capture_output=True)


def _lookup_once_replicated(old: str, mobile_last4: str, *, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        result = mapping_lookup(account_number=old, mobile_last4=mobile_last4)
        if result.outcome == Outcome.FOUND or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_imported_on_the_primary_is_answered_from_the_real_replica(real_replica, media_in_tmp) -> None:
    port, _data_dir = real_replica
    batch_applied(csv_bytes("30000001,3100000001,Sita Devi,East,9876543210"))

    with replica_alias(PORT=port):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)  # a standby, not the primary under another name
        result = _lookup_once_replicated("30000001", "3210")
        assert (result.outcome, result.new_account_number) == (Outcome.FOUND, "3100000001")

        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections["replica"]) as on_replica,
        ):
            mapping_lookup(account_number="30000001", mobile_last4="3210")
            AccountMapping.objects.filter(old_account_number="30000001").update(division="West")
        assert [query["sql"].split()[0] for query in on_replica] == ["SELECT"]
        assert [query["sql"].split()[0] for query in on_primary] == ["UPDATE"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lookup_answers_from_the_primary_while_the_real_replica_is_stopped(real_replica) -> None:
    port, data_dir = real_replica
    ramesh()
    with replica_alias(PORT=port):
        assert _lookup_once_replicated("12345678", "4321").outcome == Outcome.FOUND
        _pg_ctl(data_dir, "stop", "-m", "fast", "-w")
        started = time.monotonic()
        result = mapping_lookup(account_number="12345678", mobile_last4="4321")
        assert time.monotonic() - started < 5
        assert (result.outcome, result.new_account_number) == (Outcome.FOUND, "9912345678")
