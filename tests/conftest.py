"""Shared fixtures: named test data, clean rate-limit counters, and the real-service gates.

Tests marked `postgres` or `redis` need the real service, and the `browser` fixture needs Chromium. On a
developer's machine without them they skip and say why; in CI (KESCO_REQUIRE_SERVICES=1) a missing
service is a failure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from kesco_lookup.celery import app as celery_app
from tests.helpers import service_missing, sign_in

CHROMIUM = "/usr/bin/chromium"


def _redis_answers() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not _redis_answers():
        service_missing("needs Redis: set REDIS_URL=redis://... to a running server")


@pytest.fixture(autouse=True, scope="session")
def _requests_as_the_site_builds_them() -> Iterator[None]:
    # The test client builds Django's own WSGIRequest; the site's handler builds its own class, which
    # survives a charset that is no text encoding (kesco_lookup/handlers.py). Test what production runs.
    import django.test.client

    from kesco_lookup.handlers import SiteWSGIRequest

    original = django.test.client.WSGIRequest
    django.test.client.WSGIRequest = SiteWSGIRequest
    yield
    django.test.client.WSGIRequest = original


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rate-limit counters live in the cache; every test starts with none. So do the lookup counts,
    # which the disk cache keeps in a cache of their own.
    cache.clear()
    from accounts.usage import tally

    tally().clear()
    # The limiter's windows are cut into buckets of the wall clock: a test that makes eleven requests
    # could see its oldest bucket leave the window. Freeze the limiter's clock for the test (tests
    # of the sliding windows move it themselves).
    import kesco_lookup.limits

    frozen = float(int(time.time()))
    monkeypatch.setattr(kesco_lookup.limits, "_now", lambda: frozen)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's administrator, signed in with a verified code as every admin page demands."""
    return sign_in(client, admin_user)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, for the tests marked `browser` (never a downloaded one)."""
    if not Path(CHROMIUM).exists():
        service_missing("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's DB work happens
    # in its own thread, but the test's own ORM calls need this to be allowed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """Tasks queued by the test run in-process, even when CELERY_BROKER_URL points at a real broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


class LimiterClock:
    """The limiter's clock, moved by the test."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> LimiterClock:
    """The limiter's clock at a fixed start, for the tests of sliding windows to move."""
    import kesco_lookup.limits

    clock = LimiterClock(1_800_000_000.0)
    monkeypatch.setattr(kesco_lookup.limits, "_now", clock)
    return clock
