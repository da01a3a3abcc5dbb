"""Fixtures for every import test: media in a temporary folder, queued tasks run in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kesco_lookup.celery import app as celery_app


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator[None]:
    # Tasks queued by these tests run in-process, even when CELERY_BROKER_URL points at a real broker:
    # only the worker tests talk to the broker, and they switch this off themselves.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
