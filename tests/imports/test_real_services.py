"""Against the real PostgreSQL and Redis: a worker killed mid-apply, a real Celery worker, double delivery.

These start real processes (manage.py, celery) on the pytest test database, so they commit their
data (transaction=True) and hand the test database's name to the child through DATABASE_URL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import AccountMapping
from bench.xlsx_bombs import huge_cell
from imports import queueing, services
from imports.models import ImportBatch, MappingChange
from imports.tasks import import_batch_apply_task, import_batch_validate_task
from kesco_lookup.celery import app as celery_app
from tests.helpers import service_missing
from tests.imports.helpers import batch_upload, csv_bytes, live_table, mapping_existing

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _child_env() -> dict[str, str]:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
            f"/{params['NAME']}"
        ),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DB_CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"gave up waiting {timeout:.0f} s for {what}")


_OTHER_BACKENDS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
# The apply's UPDATE of the live table, stuck behind the row lock this test holds.
_BLOCKED_APPLY = (
    _OTHER_BACKENDS + " AND wait_event_type = 'Lock' AND query LIKE '%UPDATE accounts_accountmapping AS live%'"
)


def _backends(cursor, query: str) -> list[int]:
    cursor.execute(query)
    return [row[0] for row in cursor.fetchall()]


def test_a_worker_killed_mid_apply_leaves_the_live_table_untouched_and_the_batch_failed_and_rerunnable(
    tmp_path: Path,
) -> None:
    mapping_existing("10000000", "2600000000", name="Ram", division="North", mobile_last4="1111")
    mapping_existing("10000001", "2600000001", name="Sita", division="South", mobile_last4="2222")
    before = live_table()
    new_rows = [f"{20000000 + n},{2700000000 + n},Consumer {n},East," for n in range(300)]
    path = tmp_path / "mapping.csv"
    path.write_bytes(csv_bytes("10000000,2600000099,Ram Prasad,North,9876543210", *new_rows))

    # Another session holds one row the apply must update: the apply will have written its history
    # and inserted 300 mappings, all uncommitted, when it stops there. That is where we kill it.
    blocker = psycopg2.connect(**connection.get_connection_params())
    watcher = psycopg2.connect(**connection.get_connection_params())
    watcher.autocommit = True
    child = None
    child_log = (tmp_path / "command.log").open("w")
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_accountmapping WHERE old_account_number = '10000000' FOR UPDATE")
        child = subprocess.Popen(
            [sys.executable, "manage.py", "import_mappings", str(path), "--yes"],
            cwd=REPO,
            env=_child_env(),
            stdout=child_log,
            stderr=subprocess.STDOUT,
        )
        with watcher.cursor() as cursor:
            (backend,) = _wait_for(lambda: _backends(cursor, _BLOCKED_APPLY), timeout=30, what="the apply to block")
        assert ImportBatch.objects.get().status == ImportBatch.Status.APPLYING
        with watcher.cursor() as cursor:
            # A lookup meanwhile sees the old state: none of the 300 rows the apply has inserted.
            cursor.execute("SELECT COUNT(*) FROM accounts_accountmapping")
            assert cursor.fetchone()[0] == 2

        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        blocker.rollback()
        with watcher.cursor() as cursor:
            _wait_for(
                lambda: backend not in _backends(cursor, _OTHER_BACKENDS),
                timeout=30,
                what="the killed worker's session to end",
            )
    finally:
        if child is not None and child.poll() is None:
            child.kill()
        blocker.close()
        watcher.close()
        child_log.close()

    assert live_table() == before
    assert not MappingChange.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.APPLYING  # what the dead worker left...
    assert services.import_batches_fail_abandoned() == 1  # ...until its lock is found free
    batch.refresh_from_db()
    assert (batch.status, batch.failure_code, batch.failed_stage) == ("failed", "worker_lost", "apply")

    queueing.import_batch_queue(batch=services.import_batch_retry(batch_id=batch.pk, user=None))  # run eagerly here
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert (batch.count_new, batch.count_changed) == (300, 1)
    assert AccountMapping.objects.get(old_account_number="10000000").new_account_number == "2600000099"
    assert AccountMapping.objects.count() == 302


@pytest.fixture
def celery_worker_process(tmp_path: Path) -> Iterator[subprocess.Popen]:
    """A real `celery -A kesco_lookup worker` on the real broker, against the test database."""
    if not settings.CELERY_BROKER_URL:
        service_missing("needs CELERY_BROKER_URL=redis://... (a real broker)")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from other runs
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "kesco_lookup",
            "worker",
            "--concurrency=2",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=imports-test-{os.getpid()}@%h",
        ],
        cwd=REPO,
        env=_child_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()
        celery_app.conf.task_always_eager = True


def _batch_status(batch_id: int) -> str:
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


@pytest.mark.redis
def test_a_real_worker_validates_and_a_task_delivered_twice_applies_once(celery_worker_process, tmp_path) -> None:
    mapping_existing("10000000", "2600000000", name="Ram")
    rows = [f"{20000000 + n},{2700000000 + n},Consumer {n},East,98765{n:05d}" for n in range(200)]
    batch = batch_upload(csv_bytes("10000000,2600000099,Ram,,", *rows, "1234567A,2600000100,,,"))

    # Queued through the broker exactly as an upload in the admin queues it.
    import_batch_validate_task.delay(batch.pk)
    _wait_for(lambda: _batch_status(batch.pk) in {"validated", "failed"}, timeout=90, what="the worker to validate")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    assert (batch.count_new, batch.count_changed, batch.count_refused) == (200, 1, 1)
    assert AccountMapping.objects.count() == 1  # validation alone changes nothing

    # The same apply delivered twice, to a worker with two processes: they may well run at once.
    import_batch_apply_task.delay(batch.pk)
    import_batch_apply_task.delay(batch.pk)
    _wait_for(lambda: _batch_status(batch.pk) in {"applied", "failed"}, timeout=90, what="the worker to apply")
    time.sleep(1.5)  # let the second delivery finish too

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure_code
    assert (batch.count_new, batch.count_changed) == (200, 1)
    assert MappingChange.objects.filter(batch=batch).count() == 1  # the changed mapping, once: not 2
    assert AccountMapping.objects.count() == 201
    assert _batch_status(batch.pk) == "applied"
    # The worker's own log (task received, succeeded, the services' lines): ids and counts only.
    worker_log = (tmp_path / "worker.log").read_text()
    assert f"import batch {batch.pk}: applied" in worker_log
    for personal in ("20000000", "2700000000", "Consumer", "9876500000", "2600000099"):
        assert personal not in worker_log


@pytest.mark.redis
def test_a_batch_queued_again_and_its_lost_message_arriving_too_are_checked_and_applied_once(
    celery_worker_process,
) -> None:
    rows = [f"{30000000 + n},{2800000000 + n},Consumer {n},West,98765{n:05d}" for n in range(200)]
    batch = batch_upload(csv_bytes(*rows), apply_when_valid=True)  # queue=False: the message was "lost"
    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=timezone.now() - timedelta(hours=1))

    # Staff queue it again; the original message turns up at the same moment. Two worker processes.
    queueing.import_batch_queue(batch=services.import_batch_requeue(batch_id=batch.pk, user=None))
    import_batch_validate_task.delay(batch.pk)
    _wait_for(lambda: _batch_status(batch.pk) in {"applied", "failed"}, timeout=90, what="the worker to apply")
    time.sleep(1.5)  # let the other delivery finish too

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure_code
    assert (batch.rows_read, batch.count_new) == (200, 200)
    assert AccountMapping.objects.count() == 200  # not 400, and no unique-constraint failure


@pytest.mark.redis
def test_a_real_worker_refuses_an_upload_bomb_and_goes_on_working(celery_worker_process, tmp_path) -> None:
    bomb = huge_cell(tmp_path / "bomb.xlsx", megabytes=200).read_bytes()  # 200 MB unpacked, 200 KB packed
    batch = batch_upload(bomb, name="mapping.xlsx")

    import_batch_validate_task.delay(batch.pk)
    _wait_for(lambda: _batch_status(batch.pk) in {"validated", "failed"}, timeout=90, what="the worker to refuse it")

    batch.refresh_from_db()
    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "workbook_too_large")
    assert celery_worker_process.poll() is None  # the worker is still there
    rows = [f"{40000000 + n},{2900000000 + n},Consumer {n},North," for n in range(50)]
    after = batch_upload(csv_bytes(*rows))
    import_batch_validate_task.delay(after.pk)
    _wait_for(lambda: _batch_status(after.pk) in {"validated", "failed"}, timeout=90, what="the next batch")
    assert _batch_status(after.pk) == "validated"
