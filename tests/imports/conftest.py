"""Every import test: media in a temporary folder, queued tasks run in-process.

Only the worker tests (test_real_services.py) talk to the broker, and they switch this off themselves.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _import_test_environment(media_in_tmp, tasks_in_process) -> None:  # type: ignore[no-untyped-def]
    pass
