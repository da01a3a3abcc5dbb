"""The production configuration around the code: gunicorn's access log, the database connections,
the replica alias, and where Celery sends the long imports."""

from __future__ import annotations

import io
import json
import logging
import os
import runpy
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from kesco_lookup.celery import app as celery_app
from kesco_lookup.logs import LOOKUP_OUTCOME_KEY
from tests.helpers import ramesh

REPO = Path(__file__).resolve().parents[2]


def _access_log(monkeypatch: pytest.MonkeyPatch, log_format: str) -> tuple[object, io.StringIO]:
    """gunicorn's access logger as gunicorn.conf.py makes it, and what it writes."""
    monkeypatch.setenv("LOG_FORMAT", log_format)
    namespace = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    logger = namespace["AccessLogWithoutPersonalData"](config)
    written = io.StringIO()

    def write(message: str, *args: object) -> None:
        record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, message, args, None)
        written.write(record.getMessage() + "\n")  # as logging formats it, one argument a mapping

    monkeypatch.setattr(logger.access_log, "info", write)
    return logger, written


def _served(logger: object, path: str, status: int, *, query: str = "", **extra: str) -> None:
    response = SimpleNamespace(status_code=status, headers=[("X-Request-ID", "abc123"), ("Set-Cookie", "s=1")])
    environ = {
        **extra,
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_REFERER": "https://example.com/?old=12345678",
        "HTTP_USER_AGENT": "Phone",
    }
    logger.access(response, SimpleNamespace(), environ, timedelta(milliseconds=12.34))  # type: ignore[attr-defined]


def test_the_access_log_has_method_path_status_duration_and_request_id_only(monkeypatch) -> None:
    logger, written = _access_log(monkeypatch, "plain")
    _served(logger, "/api/v1/lookup", 200, query="old_account_number=12345678&mobile=4321")
    line = written.getvalue()
    assert line == "POST '/api/v1/lookup' 200 12.3ms [abc123]\n"


def test_the_access_log_leaves_out_probes_that_succeeded_but_not_those_that_failed(monkeypatch) -> None:
    logger, written = _access_log(monkeypatch, "plain")
    _served(logger, "/healthz", 200)
    _served(logger, "/readyz", 200)
    assert written.getvalue() == ""
    _served(logger, "/readyz", 503)
    assert written.getvalue() == "POST '/readyz' 503 12.3ms [abc123]\n"


def test_the_access_log_leaves_out_a_successful_scrape_of_the_metrics_but_not_a_refused_one(monkeypatch) -> None:
    logger, written = _access_log(monkeypatch, "plain")
    _served(logger, "/metrics", 200)
    assert written.getvalue() == ""
    _served(logger, "/metrics", 404)
    assert written.getvalue() == "POST '/metrics' 404 12.3ms [abc123]\n"


def test_the_access_log_is_json_with_log_format_json(monkeypatch) -> None:
    logger, written = _access_log(monkeypatch, "json")
    _served(logger, "/lookup/", 429, query="x=12345678")
    assert json.loads(written.getvalue()) == {
        "logger": "gunicorn.access",
        "method": "POST",
        "path": "/lookup/",
        "status": 429,
        "duration_ms": 12.3,
        "request_id": "abc123",
    }


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_lookups_access_line_carries_its_outcome_and_nothing_it_was_about(monkeypatch, log_format) -> None:
    logger, written = _access_log(monkeypatch, log_format)
    _served(logger, "/lookup/", 200, **{LOOKUP_OUTCOME_KEY: "no_match"})
    line = written.getvalue()
    if log_format == "plain":
        assert line == "POST '/lookup/' 200 12.3ms [abc123] no_match\n"
    else:
        assert json.loads(line)["outcome"] == "no_match"


@pytest.mark.django_db
def test_the_lookup_hands_its_outcome_to_the_access_log_and_a_refused_form_none(client) -> None:
    ramesh()
    found = client.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"})
    miss = {"old_account_number": "12345679", "mobile_last4": "4321"}
    missed = client.post("/api/v1/lookup", miss, "application/json")
    mistyped = client.post("/lookup/", {"old_account_number": "1234", "mobile_last4": "4321"})
    assert found.wsgi_request.META[LOOKUP_OUTCOME_KEY] == "found"
    assert missed.wsgi_request.META[LOOKUP_OUTCOME_KEY] == "no_match"
    assert LOOKUP_OUTCOME_KEY not in mistyped.wsgi_request.META


def test_workers_and_threads_follow_the_cpu_count_unless_set(monkeypatch) -> None:
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.delenv("WEB_BIND", raising=False)
    namespace = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert (namespace["workers"], namespace["threads"]) == (2 * (os.cpu_count() or 1), 1)
    assert namespace["worker_class"] == "sync"
    assert namespace["bind"] == "127.0.0.1:8000"
    assert namespace["secure_scheme_headers"] == {}  # only Django decides what is HTTPS
    monkeypatch.setenv("WEB_WORKERS", "7")
    monkeypatch.setenv("WEB_THREADS", "4")
    monkeypatch.setenv("WEB_BIND", "0.0.0.0:9000")
    namespace = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert (namespace["workers"], namespace["worker_class"], namespace["bind"]) == (7, "gthread", "0.0.0.0:9000")


def test_the_workers_heartbeat_file_is_in_memory_where_the_machine_has_dev_shm(monkeypatch) -> None:
    # A disk-backed /tmp can block the worker's heartbeat (gunicorn's docs, worker_tmp_dir).
    memory = "/dev/shm"  # noqa: S108 (a name compared, no file made)
    monkeypatch.setattr(os.path, "isdir", lambda path: path == memory)
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["worker_tmp_dir"] == memory
    monkeypatch.setattr(os.path, "isdir", lambda path: False)
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["worker_tmp_dir"] is None


def test_connections_are_kept_checked_and_quick_to_give_up_and_the_replica_mirrors_the_primary_in_tests() -> None:
    script = (
        "import json; from django.conf import settings as s; import django; django.setup();"
        "print(json.dumps({a: [d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'], d['OPTIONS'].get('connect_timeout'),"
        " d.get('TEST', {}).get('MIRROR')] for a, d in s.DATABASES.items()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings",
        "DATABASE_URL": "postgres://kesco@db/kesco",
        "DATABASE_REPLICA_URL": "postgres://kesco@replica/kesco",
    }
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"default": [True, 60, 2, None], "replica": [True, 60, 1, "default"]}


def test_imports_go_to_their_own_queue_and_everything_else_to_the_default_one() -> None:
    def queue_of(task: str) -> str:
        return celery_app.amqp.router.route({}, task)["queue"].name

    assert queue_of("imports.tasks.import_batch_validate_task") == "imports"
    assert queue_of("imports.tasks.import_batch_apply_task") == "imports"
    assert queue_of("imports.tasks.imports_batches_fail_abandoned_task") == "celery"
    assert queue_of("imports.tasks.imports_files_purge_task") == "celery"
    # A worker started without -Q consumes both.
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == {"celery", "imports"}


def test_redis_gives_a_running_import_back_only_after_its_time_limit() -> None:
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
