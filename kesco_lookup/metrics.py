"""What GET /metrics (kesco_lookup/scrape.py) exports: requests by route name, lookup outcomes, limiter
refusals, and the collectors that compute gauges at scrape time.

Labels hold route names, rule names and fixed words only: never a path, a number, an address. The
apps count through the functions here, or register scrape-time collectors in their AppConfig.ready(),
so this package imports no app. Under gunicorn's several processes, PROMETHEUS_MULTIPROC_DIR makes
prometheus-client keep each process's counts in files that a scrape adds up (docs/deploy.md).
Why it answers 404 to strangers: README, 'Serving'.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram
from prometheus_client.core import Metric

REQUESTS = Counter("http_requests_total", "Requests answered, by route name and status.", ["route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by route name.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LOOKUP_OUTCOMES = Counter("lookup_outcomes_total", "Lookups answered, by outcome.", ["outcome"])
IMPORT_STAGE_DURATION = Histogram(
    "import_stage_duration_seconds",
    "Time an import batch took to validate or to apply, by stage and result (ok, failed).",
    ["stage", "result"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
LIMITER_REFUSALS = Counter("limiter_refusals_total", "Requests refused by a rate-limit rule, by rule.", ["rule"])

# The words a lookup's outcome may be counted as: anything else is a programming error, not a label.
LOOKUP_OUTCOME_NAMES = frozenset({"matched", "no_match", "already_new", "limited", "paused"})

ScrapeCollector = Callable[[], Iterable[Metric]]
scrape_collectors: list[ScrapeCollector] = []


def lookup_outcome_record(*, outcome: str) -> None:
    """Count one lookup's outcome (one of LOOKUP_OUTCOME_NAMES)."""
    if outcome not in LOOKUP_OUTCOME_NAMES:
        raise ValueError(f"unknown lookup outcome {outcome!r}")
    LOOKUP_OUTCOMES.labels(outcome=outcome).inc()


def limiter_refusal_record(*, rule: str) -> None:
    LIMITER_REFUSALS.labels(rule=rule).inc()


def import_stage_duration_record(*, stage: str, result: str, seconds: float) -> None:
    """Observe how long a batch's validation or apply took, once it has ended."""
    IMPORT_STAGE_DURATION.labels(stage=stage, result=result).observe(seconds)


def scrape_collector_register(collector: ScrapeCollector) -> None:
    """Have a function's metrics computed at every scrape (an app's AppConfig.ready() calls this)."""
    if collector not in scrape_collectors:
        scrape_collectors.append(collector)


def route_name(request: HttpRequest) -> str:
    """The matched route's name (or its pattern if unnamed), never the path: paths may carry values."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    """Counts every request and its latency by route name and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_name(request)
        LATENCY.labels(route=route).observe(time.perf_counter() - started)
        REQUESTS.labels(route=route, status=str(response.status_code)).inc()
        return response
