"""Timing of the lookup's answers: does a miss on a real number take longer than on an unknown one?

Not a test (machines are noisy): it prints medians and the ratio of each miss kind to the
"unknown number" baseline measured in the same run. Run with `make bench-lookup`; it uses
whatever database DATABASE_URL names (SQLite by default) and a throwaway set of mappings.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
os.environ["RATELIMIT_ENABLE"] = "0"  # measure the lookup itself, not the limiter

import django

django.setup()

from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "400"))
MAPPINGS = int(os.environ.get("BENCH_MAPPINGS", "50000"))


def main() -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import AccountMapping

    # The view logs one line per lookup (its outcome only): 1,200 of them would bury the figures.
    # Every answer logs the same line, so quieting it leaves the ratios as they are.
    logging.getLogger("accounts").setLevel(logging.WARNING)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        AccountMapping.objects.bulk_create(
            (
                AccountMapping(
                    old_account_number=f"{10000000 + i}",
                    new_account_number=f"99{10000000 + i}",
                    consumer_name="Bench Consumer",
                    division="Bench",
                    mobile_last4=f"{i % 10000:04d}",
                )
                for i in range(MAPPINGS)
            ),
            batch_size=5000,
        )
        client = Client()
        cases = {
            "unknown number (baseline)": ("87654321", "1234"),
            "real number, wrong mobile": ("10000042", "9999"),
            "real number, right mobile": ("10000042", "0042"),
        }
        timings: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(ROUNDS):
            for name, (old, mobile) in cases.items():
                start = time.perf_counter()
                client.post("/lookup/", {"old_account_number": old, "mobile_last4": mobile})
                timings[name].append(time.perf_counter() - start)
        baseline = statistics.median(timings["unknown number (baseline)"])
        print(f"database: {connection.vendor}, mappings: {MAPPINGS}, rounds: {ROUNDS}")
        for name, values in timings.items():
            median = statistics.median(values)
            print(f"{name:30s} median {median * 1000:7.2f} ms   ratio to baseline {median / baseline:5.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
