"""gunicorn's settings for production (`make serve`, the Procfile): read from the repository root.

Why gunicorn and why these workers: README, 'Serving' (measured on this machine). From the
environment: WEB_BIND, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT, WEB_MAX_REQUESTS.
"""

from __future__ import annotations

import json
import os

from gunicorn.glogging import Logger

_CPUS = os.cpu_count() or 1

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time per process, two processes a core. The work is mostly Python
# (the interpreter lock lets one thread of a process run at a time), and the waits on PostgreSQL and
# Redis are short: a second process a core keeps the cores busy through them. Threads (gthread) gave
# the same throughput and several times the tail latency: a thread back from Redis waits for the lock
# behind its process's busy threads. Measured: README, 'Speed'. WEB_THREADS above 1 switches to
# gthread. A sync worker is held by a slow client: the proxy in front buffers requests and answers
# (nginx does by default; docs/deploy.md). Each process holds one database connection (docs/deploy.md).
workers = int(os.environ.get("WEB_WORKERS", 2 * _CPUS))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes this long is stuck (the slowest page answers in well under a second): the
# worker is replaced. Uploads of mapping files are streamed to disk within it.
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 20
# Each worker proves it is alive by touching a file there, every loop: on a disk-backed /tmp that call
# can block the worker (gunicorn's docs, 'worker_tmp_dir'). /dev/shm is memory, where Linux has it.
_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn makes its file there with mkstemp and unlinks it at once)
worker_tmp_dir = _MEMORY if os.path.isdir(_MEMORY) else None
# Recycled now and then, so slow growth of a process's memory never becomes an outage.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# The application is loaded once in the master and forked: less memory, faster starts.
preload_app = True
# The proxy ends HTTPS and says so in X-Forwarded-Proto; Django alone decides whether to believe it
# (SECURE_PROXY_SSL_HEADER, TRUSTED_PROXIES). gunicorn must not turn the header into an https scheme
# on its own, or any client could claim HTTPS and skip the redirect.
secure_scheme_headers: dict[str, str] = {}

accesslog = "-"
errorlog = "-"

# The probes and Prometheus's scrape come every few seconds: a line each would drown the log.
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
# kesco_lookup.logs.LOOKUP_OUTCOME_KEY, spelled out: the config loads before the project (the access
# log's tests use the project's constant, so the two cannot drift apart unnoticed).
LOOKUP_OUTCOME_KEY = "kesco.lookup_outcome"


class AccessLogWithoutPersonalData(Logger):
    """One line a request: method, path, status, duration, request id and a lookup's outcome. Never the
    query string, the body, the referrer or the user agent, and no line for a probe that succeeded."""

    def access(self, resp, req, environ, request_time) -> None:  # type: ignore[no-untyped-def]
        if not self.access_log_enabled:
            return
        path = environ.get("PATH_INFO", "")
        if path in _PROBES and resp.status_code == 200:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        line = {
            "method": environ.get("REQUEST_METHOD", ""),
            "path": path,
            "status": resp.status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id", "-"),
        }
        outcome = environ.get(LOOKUP_OUTCOME_KEY)
        if outcome is not None:
            line["outcome"] = outcome
        if os.environ.get("LOG_FORMAT") == "json":
            self.access_log.info(json.dumps({"logger": "gunicorn.access", **line}))
        elif outcome is not None:
            self.access_log.info("%(method)s %(path)r %(status)s %(duration_ms)sms [%(request_id)s] %(outcome)s", line)
        else:
            self.access_log.info("%(method)s %(path)r %(status)s %(duration_ms)sms [%(request_id)s]", line)


logger_class = AccessLogWithoutPersonalData


def when_ready(server) -> None:  # type: ignore[no-untyped-def]
    """The master, with the application loaded (preload_app) and before the first fork: what every
    worker would do on its first request is done here once (kesco_lookup/warm.py)."""
    from kesco_lookup.warm import process_warm

    server.log.info("warmed before forking: %d templates", process_warm())


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    """With PROMETHEUS_MULTIPROC_DIR, a worker that exits (recycled, killed) stops being a live process
    for /metrics: prometheus-client's multiprocess mode asks for this hook (docs/deploy.md)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
