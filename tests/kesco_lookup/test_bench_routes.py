"""The bench's ceiling views (bench/urls.py) are served only under the bench's settings."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

import bench.urls
import kesco_lookup.urls


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_the_production_urls_have_no_bench_route():
    assert [route for route in _routes(kesco_lookup.urls.urlpatterns) if "bench" in route] == []
    assert [route for route in _routes(get_resolver().url_patterns) if "bench" in route] == []


def test_the_bench_urls_do_carry_the_ceilings_and_the_whole_site():
    routes = list(_routes(bench.urls.urlpatterns))
    assert "bench/trivial" in routes
    assert "bench/bare" in routes
    assert set(_routes(kesco_lookup.urls.urlpatterns)) <= set(routes)


@pytest.mark.django_db
def test_the_site_answers_404_at_the_bench_paths():
    assert Client().get("/bench/trivial").status_code == 404
    assert Client().post("/bench/bare", "{}", content_type="application/json").status_code == 404
