"""Import batches by status, counted at every scrape of GET /metrics (kesco_lookup/metrics.py)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from imports.models import ImportBatch


def import_batches_by_status() -> Iterator[Metric]:
    gauge = GaugeMetricFamily("import_batches", "Import batches, by status.", labels=["status"])
    counts = dict(ImportBatch.objects.values_list("status").annotate(count=Count("pk")).order_by())
    for status in ImportBatch.Status.values:  # every status, zero too: a series that vanishes looks like a gap
        gauge.add_metric([status], counts.get(status, 0))
    yield gauge
