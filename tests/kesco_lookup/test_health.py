"""/healthz and /readyz: what the proxy and the orchestrator ask, and what they are told."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from kesco_lookup import health
from kesco_lookup.celery import app as celery_app

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def no_broker(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def broker_down(settings, monkeypatch) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    closed = f"redis://127.0.0.1:{_closed_port()}/0"
    connect = celery_app.connection_for_write
    monkeypatch.setattr(celery_app, "connection_for_write", lambda url=None, **options: connect(closed, **options))


def test_it_says_alive_without_touching_the_database_or_the_cache(django_assert_num_queries, monkeypatch) -> None:
    def no_cache(*args: object, **kwargs: object) -> None:
        raise AssertionError("healthz used the cache")

    monkeypatch.setattr("django.core.cache.cache.get", no_cache)
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_is_ready_when_every_part_answers_and_says_the_broker_is_not_used_without_one(no_broker) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "not used"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.redis
def test_it_is_ready_with_the_real_broker(settings) -> None:
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL")
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_it_names_the_database_when_the_database_is_down(no_broker, monkeypatch) -> None:
    def refused() -> None:
        raise OperationalError("connection to server at 10.0.0.9 refused; password=secret")

    # On the class: the probe asks from a thread of its own, with a connection of its own.
    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refused)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "cache": "ok", "broker": "not used"}
    assert b"10.0.0.9" not in response.content and b"secret" not in response.content


@pytest.mark.django_db(transaction=True)
def test_it_names_the_database_in_time_when_it_takes_the_connection_but_never_answers(no_broker) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a lock that makes PostgreSQL hold a query")
    import psycopg2

    params = connection.get_connection_params()
    holder = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    try:
        with holder.cursor() as cursor:  # psycopg2 opens a transaction: the lock lasts until rollback
            cursor.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        first = Client().get("/readyz")
        assert time.monotonic() - started < 3 * health.CHECK_TIMEOUT_SECONDS
        assert first.status_code == 503 and first.json()["database"] == "down"
        # The first question still hangs: the next probe says so at once instead of asking again.
        started = time.monotonic()
        assert Client().get("/readyz").json()["database"] == "down"
        assert time.monotonic() - started < health.CHECK_TIMEOUT_SECONDS
    finally:
        holder.rollback()
        holder.close()
    health._database_pending.result(timeout=10)  # the hung question ends with the lock
    assert Client().get("/readyz").status_code == 200


def test_it_names_the_cache_when_redis_is_down(no_broker, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "down", "broker": "not used"}


def test_it_names_the_broker_when_the_broker_is_down(broker_down) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "down"}
    assert b"redis://" not in response.content


def test_the_probes_are_never_rate_limited_and_never_logged_at_info_when_all_is_well(no_broker, caplog) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    django_logger = logging.getLogger("django")  # does not propagate to the root, where caplog listens
    django_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            statuses = {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(40)}
    finally:
        django_logger.removeHandler(caplog.handler)
    assert statuses == {200}
    assert [record for record in caplog.records if record.levelno >= logging.INFO] == []


def test_the_probes_answer_plain_http_in_production_behind_an_https_redirect(no_broker, settings) -> None:
    # Load balancers probe the node itself, over HTTP: a redirect to HTTPS would read as "down".
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301
