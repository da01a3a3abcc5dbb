"""GET /metrics for Prometheus (what it exports: kesco_lookup/metrics.py), and the gauges every scrape
reads: the health of the cache and the database, and the Celery queues' lengths.

It answers only METRICS_ALLOWED_ADDRESSES or a bearer of METRICS_TOKEN, and 404 to everyone else, as
for a page that does not exist. Why: README, 'Serving'.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from kesco_lookup import health
from kesco_lookup.limits import client_ip
from kesco_lookup.metrics import scrape_collector_register, scrape_collectors

# The queues the workers read (settings CELERY_TASK_ROUTES): their length is the backlog.
CELERY_QUEUES = ("celery", "imports")


def _health() -> Iterator[Metric]:
    gauge = GaugeMetricFamily(
        "service_up", "Whether a service answered at scrape time (1) or not (0).", labels=["service"]
    )
    for name in ("database", "cache"):
        try:
            health.CHECKS[name]()
            gauge.add_metric([name], 1)
        except Exception:  # any failure to reach the part means "down", as for /readyz
            gauge.add_metric([name], 0)
    yield gauge


def _celery_queue_depth() -> Iterator[Metric]:
    broker_url = settings.CELERY_BROKER_URL or ""
    if settings.CELERY_TASK_ALWAYS_EAGER or not broker_url.startswith(("redis://", "rediss://")):
        return  # no broker (tasks run in the web process), or one whose queues are not Redis lists
    import redis

    client = redis.Redis.from_url(
        broker_url, socket_connect_timeout=health.CHECK_TIMEOUT_SECONDS, socket_timeout=health.CHECK_TIMEOUT_SECONDS
    )
    gauge = GaugeMetricFamily("celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
    try:
        for queue in CELERY_QUEUES:
            gauge.add_metric([queue], client.llen(queue))
    except Exception:  # the broker is down: service_up and /readyz say so; no length to report
        return
    finally:
        client.close()
    yield gauge


scrape_collector_register(_health)
scrape_collector_register(_celery_queue_depth)


class _ScrapeRegistry:
    """What a scrape exports: the counters (this process's, or every process's from their files) and
    the scrape-time collectors."""

    def collect(self) -> Iterator[Metric]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            counted = CollectorRegistry()
            multiprocess.MultiProcessCollector(counted)
            yield from counted.collect()
        else:
            yield from REGISTRY.collect()
        for collector in scrape_collectors:
            yield from collector()


def _allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOWED_ADDRESSES)


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        offered = request.headers.get("Authorization", "")
        if hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks() if network.version == address.version)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, to allowed addresses and holders of the token; a 404 to others."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_ScrapeRegistry()), content_type=CONTENT_TYPE_LATEST)  # type: ignore[arg-type]
