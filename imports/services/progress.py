"""The worker's side of a batch's progress: what it reports, to the cache and to an in-process caller."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache

from imports.progress import PROGRESS_TIMEOUT, progress_key

logger = logging.getLogger(__name__)

# What the command's progress bar is given: phase, rows done, rows in all (None while unknown).
ProgressCallback = Callable[[str, int, "int | None"], None]


def progress_report(
    batch_id: int,
    *,
    phase: str,
    done: int,
    total: int | None,
    started: float,
    callback: ProgressCallback | None = None,
) -> None:
    # A cache outage must never stop an import.
    try:
        cache.set(
            progress_key(batch_id),
            {"phase": phase, "done": done, "total": total, "started": started, "updated": time.time()},
            PROGRESS_TIMEOUT,
        )
    except Exception:
        logger.warning("import batch %s: progress not recorded (cache unavailable)", batch_id)
    if callback:
        callback(phase, done, total)
