"""Health endpoints for the proxy and the orchestrator: /healthz (the process answers) and /readyz (it
can serve: database, cache and broker reachable). Why they answer what they do: README, 'Serving'.

Neither is rate-limited or logged on success (gunicorn.conf.py leaves them out of the access log):
probes come every few seconds from every load balancer. Their answers name parts, never hosts,
versions or errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kesco_lookup.celery import app as celery_app

logger = logging.getLogger(__name__)

# Each part gets this long to answer; they are asked one after the other, so a probe takes at most
# three times this.
CHECK_TIMEOUT_SECONDS = 1


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: answers from the process alone, touching no database, cache or broker."""
    return JsonResponse({"status": "ok"})


# The database is asked from a thread of its own, waited for CHECK_TIMEOUT_SECONDS: a server that took
# the connection but never answers (a lock, a frozen host) makes the probe say "down" in time instead
# of holding the web worker. One question at a time: while an earlier one still hangs, it is down.
_database_asker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz-database")
_database_pending: Future[None] | None = None


def _ask_database() -> None:
    # A connection of this thread's own, closed each time: the probe proves a new one can be made, and
    # leaves nothing open between probes.
    try:
        with connection.cursor() as cursor:
            # A table, not just SELECT 1: the schema is there, and a lock on it is a hang to report.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
    finally:
        connection.close()


def _database() -> str:
    global _database_pending
    if _database_pending is not None and not _database_pending.done():
        raise TimeoutError("an earlier check still waits for the database")
    _database_pending = _database_asker.submit(_ask_database)
    _database_pending.result(timeout=CHECK_TIMEOUT_SECONDS)
    return "ok"


def _cache() -> str:
    # A read of a key nobody writes: reaches the server without changing anything.
    cache.get("readyz-probe")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used"  # no broker configured: tasks run in the web process
    with celery_app.connection_for_write(
        connect_timeout=CHECK_TIMEOUT_SECONDS,
        transport_options={
            "socket_connect_timeout": CHECK_TIMEOUT_SECONDS,
            "socket_timeout": CHECK_TIMEOUT_SECONDS,
            "max_retries": 0,
        },
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 when every part answers, else 503 naming the part that did not."""
    parts: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as error:  # any failure to reach the part means "down", whatever its kind
            logger.warning("readiness: %s down (%s)", name, type(error).__name__)
            parts[name] = "down"
    status = 503 if "down" in parts.values() else 200
    return JsonResponse(parts, status=status)
