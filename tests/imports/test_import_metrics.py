"""What the import pipeline tells GET /metrics: how long each stage took, and batches by status."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from imports.models import ImportBatch
from tests.imports.helpers import batch_applied, batch_validated, csv_bytes

pytestmark = pytest.mark.django_db

ROW = "12345678,9912345678,Ramesh Kumar,Kidwai Nagar,9876504321"


def durations_observed(stage: str, result: str) -> float:
    labels = {"stage": stage, "result": result}
    return REGISTRY.get_sample_value("import_stage_duration_seconds_count", labels) or 0.0


def test_it_observes_how_long_a_batch_took_to_validate_and_to_apply() -> None:
    before = durations_observed("validate", "ok"), durations_observed("apply", "ok")
    batch = batch_applied(csv_bytes(ROW))
    assert batch.status == ImportBatch.Status.APPLIED
    after = durations_observed("validate", "ok"), durations_observed("apply", "ok")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_it_observes_a_validation_that_failed_as_failed() -> None:
    before = durations_observed("validate", "failed")
    batch = batch_validated(csv_bytes())  # a header and no rows
    assert batch.status == ImportBatch.Status.FAILED
    assert durations_observed("validate", "failed") - before == 1


def test_it_counts_batches_by_status_at_scrape_time(client, settings) -> None:
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    batch_applied(csv_bytes(ROW))
    batch_validated(csv_bytes())
    text = client.get("/metrics").content.decode()
    assert 'import_batches{status="applied"} 1.0' in text
    assert 'import_batches{status="failed"} 1.0' in text
    assert 'import_batches{status="queued"} 0.0' in text
    labels = "\n".join(line.rsplit(" ", 1)[0] for line in text.splitlines())  # values may hold any digits
    assert "Ramesh" not in labels and "12345678" not in labels
