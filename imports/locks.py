"""The per-batch runner lock: one process at a time validates or applies a batch.

PostgreSQL advisory locks take two int4 keys: LOCK_NAMESPACE ("KE") and the batch id. The database
frees a lock when its session dies, which is how a batch whose worker was killed is told apart from
one still at work. SQLite runs on one machine: an flock on a file has the same property.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

LOCK_NAMESPACE = 0x4B45


@contextmanager
def runner_lock(batch_id: int) -> Iterator[bool]:
    """Try to become the one process working on this batch; yields whether it succeeded."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, batch_id])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, batch_id])
        return
    path = lock_file(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            acquired = True
        except BlockingIOError:
            acquired = False
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle, fcntl.LOCK_UN)


def runner_lock_held(batch_id: int) -> bool:
    """Whether some process holds the batch's lock now, asked without taking it (for pages that only read)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The two-key form of an advisory lock shows as classid, objid and objsubid 2.
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid = %s AND objid = %s AND objsubid = 2)",
                [LOCK_NAMESPACE, batch_id],
            )
            return bool(cursor.fetchone()[0])
    path = lock_file(batch_id)
    if not path.exists():
        return False
    with path.open("r") as handle:
        # A shared lock, dropped at once: refused only while a runner holds its exclusive one.
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def lock_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "locks" / f"{batch_id}.lock"
