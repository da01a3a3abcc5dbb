"""The request id: made or taken from a trusted proxy, in the response header and every log line of
the request; and LOG_FORMAT=json, one JSON object a line with nothing personal in it."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.test import Client

from kesco_lookup.limits import _trusted_networks
from kesco_lookup.logs import JsonLinesFormatter
from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"
MADE_HERE = re.compile(r"[0-9a-f]{32}")
DATABASE_ERROR = (
    "DETAIL:  Key (old_account_number)=(12345678) already exists.\n"
    "Failing row contains (12345678, 9912345678, Ramesh Kumar, Kidwai Nagar, 4321)."
)


@pytest.fixture
def behind_proxy(settings) -> Iterator[None]:
    settings.TRUSTED_PROXIES = [PROXY]
    _trusted_networks.cache_clear()
    yield
    _trusted_networks.cache_clear()


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes, as it writes it."""
    (handler,) = [handler for handler in logging.getLogger("django").handlers if type(handler) is logging.StreamHandler]
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


@pytest.fixture
def json_console(console) -> Iterator[io.StringIO]:
    (handler,) = [handler for handler in logging.getLogger("django").handlers if type(handler) is logging.StreamHandler]
    previous = handler.formatter
    handler.setFormatter(JsonLinesFormatter())  # what LOG_FORMAT=json configures (checked below)
    yield console
    handler.setFormatter(previous)


def test_it_makes_an_id_for_every_request_and_returns_it() -> None:
    first, second = Client().get("/"), Client().get("/")
    assert MADE_HERE.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_it_ignores_an_id_sent_by_anyone_but_a_trusted_proxy(behind_proxy) -> None:
    response = Client(REMOTE_ADDR="10.0.0.7").get("/", headers={"X-Request-ID": "from-the-consumer"})
    assert MADE_HERE.fullmatch(response["X-Request-ID"])


def test_it_takes_the_id_of_a_trusted_proxy(behind_proxy) -> None:
    response = Client(REMOTE_ADDR=PROXY).get("/", headers={"X-Request-ID": "edge-4f2a.9_b"})
    assert response["X-Request-ID"] == "edge-4f2a.9_b"


@pytest.mark.parametrize("offered", ["a" * 65, "has space", "line\nbreak", "12345678 4321", "<script>", ""])
def test_it_replaces_an_id_that_does_not_look_like_one_even_from_the_proxy(behind_proxy, offered) -> None:
    response = Client(REMOTE_ADDR=PROXY).get("/", headers={"X-Request-ID": offered})
    assert MADE_HERE.fullmatch(response["X-Request-ID"])


def test_every_line_logged_for_a_request_carries_its_id_and_lines_outside_requests_a_dash(console) -> None:
    response = Client().get("/no-such-page/")
    logging.getLogger("django.server").warning("outside any request")
    lines = console.getvalue().splitlines()
    assert any("Not Found: /no-such-page/" in line and f"[{response['X-Request-ID']}]" in line for line in lines)
    assert any("outside any request" in line and "[-]" in line for line in lines)


def test_json_lines_have_the_id_the_class_of_the_exception_and_nothing_it_quoted(json_console, monkeypatch) -> None:
    ramesh()

    def crash(**_kwargs: object) -> None:
        raise IntegrityError(DATABASE_ERROR)

    monkeypatch.setattr("accounts.views.mapping_lookup_counted", crash)
    response = Client(raise_request_exception=False).post(
        "/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}
    )
    assert response.status_code == 500

    lines = [json.loads(line) for line in json_console.getvalue().splitlines()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert set(error) == {"time", "level", "logger", "message", "request_id", "exception", "traceback"}
    assert (error["logger"], error["message"]) == ("django.request", "Internal Server Error: /lookup/")
    assert error["request_id"] == response["X-Request-ID"]
    assert error["exception"] == "django.db.utils.IntegrityError"
    assert "in crash" in error["traceback"]
    for personal in ("12345678", "9912345678", "Ramesh", "4321", "Failing row"):
        assert personal not in json_console.getvalue()


def test_log_format_json_switches_the_console_to_json_lines() -> None:
    script = "import django, logging; django.setup(); logging.getLogger('kesco_lookup').warning('hello %s', 'there')"
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert {key: line[key] for key in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "kesco_lookup",
        "message": "hello there",
        "request_id": "-",
    }


def test_a_log_format_that_does_not_exist_stops_the_start() -> None:
    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings"}
    script = "import django; django.setup()"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json'" in done.stderr


def test_a_task_queued_during_a_request_carries_its_id_to_the_workers_log_lines(console) -> None:
    from celery.app.trace import build_tracer

    from kesco_lookup.celery import HEADER, _send_request_id, app
    from kesco_lookup.request_id import current_request_id

    @app.task(name="tests.logging_task", shared=False)
    def logging_task() -> None:
        logging.getLogger("django.task").warning("working")

    token = current_request_id.set("edge-77")
    try:
        headers: dict = {}
        _send_request_id(headers=headers)  # what publishing the task adds to its message
    finally:
        current_request_id.reset(token)
    assert headers == {HEADER: "edge-77"}

    # As a worker runs it: the message's headers become its request.
    tracer = build_tracer(logging_task.name, logging_task, eager=False, propagate=True, app=app)
    tracer("task-id-1", (), {}, {"hostname": "worker", "delivery_info": {}, **headers})
    assert "[edge-77] working" in console.getvalue()
    assert current_request_id.get() == "-"  # and forgets it after
