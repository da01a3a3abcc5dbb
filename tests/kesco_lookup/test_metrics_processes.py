"""GET /metrics under gunicorn's several processes: with PROMETHEUS_MULTIPROC_DIR, a scrape answered by
one process adds up the counts of all of them, exited ones included (workers are recycled)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

COUNT = "from kesco_lookup.metrics import lookup_outcome_record; lookup_outcome_record(outcome='matched')"
SCRAPE = """
import django; django.setup()
from prometheus_client import generate_latest
from kesco_lookup import scrape
scrape.scrape_collectors.clear()  # the counters only: the gauges need no processes to agree
print(generate_latest(scrape._ScrapeRegistry()).decode())
"""


def _python(code: str, multiproc_dir: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_it_adds_up_the_counts_of_every_process(tmp_path) -> None:
    _python(COUNT, tmp_path)
    _python(COUNT, tmp_path)
    text = _python(SCRAPE, tmp_path)
    assert 'lookup_outcomes_total{outcome="matched"} 2.0' in text
