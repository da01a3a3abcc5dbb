"""The master's warm-up before gunicorn forks its workers (kesco_lookup/warm.py, gunicorn.conf.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.db import connections
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.utils.translation import trans_real

from kesco_lookup.warm import process_warm


@pytest.fixture
def cold_process() -> Iterator[CachedLoader]:
    """The template engine's cached loader emptied, no connection open, and the collector unfrozen after."""
    (loader,) = [loader for loader in engines["django"].engine.template_loaders if isinstance(loader, CachedLoader)]
    loader.reset()
    connections.close_all()
    try:
        yield loader
    finally:
        gc.unfreeze()


def test_warming_compiles_the_projects_templates_and_only_those(cold_process) -> None:
    compiled = process_warm()

    origins = [template.origin for template in cold_process.get_template_cache.values()]
    assert compiled == len(origins) > 40
    assert {"base.html", "accounts/home.html", "accounts/result.html", "safety/check.html"} <= {
        origin.template_name for origin in origins
    }
    # The project's own (its admin pages' overrides too), not Django's or another package's.
    assert not any("site-packages" in origin.name for origin in origins)


def test_warming_reads_both_languages_and_freezes_what_the_workers_inherit(cold_process) -> None:
    trans_real._translations.clear()

    process_warm()

    assert {"hi", "en"} <= set(trans_real._translations)
    assert gc.get_freeze_count() > 0


def test_warming_opens_no_connection_a_fork_would_share(cold_process) -> None:
    # A test without the database marker may not query it (pytest-django refuses); an earlier test may
    # leave a connection open, so what counts is that warming opens none.
    def opened() -> dict[str, object]:
        return {connection.alias: connection.connection for connection in connections.all(initialized_only=True)}

    before = opened()

    process_warm()

    after = opened()
    assert {alias: after.get(alias) for alias in before} == before
    assert all(after[alias] is None for alias in after.keys() - before.keys())
