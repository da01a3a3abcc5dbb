"""A running batch's progress as the worker leaves it in the cache and the pages read it back.

The cache, not the batch row: the apply holds its transaction open, and staff must see progress
meanwhile. Account numbers never go in: only counts and times.
"""

from __future__ import annotations

from dataclasses import dataclass

PROGRESS_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None
    started: float
    updated: float


def progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"
