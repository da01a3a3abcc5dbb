"""The lookup's read on the streaming replica, when there is one (DATABASE_REPLICA_URL).

Only the consumer lookup reads there: it is most of the traffic, and a few seconds of replication
lag cost nothing (a mapping imported a moment ago shows a moment later). Everything else, staff
pages and every write, stays on the primary, with no router deciding behind the code's back: the
lookup asks for it here, by name. A replica that cannot be reached is skipped for a while and the
read goes to the primary (docs/deploy.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils.connection import ConnectionDoesNotExist

logger = logging.getLogger(__name__)

REPLICA = "replica"
# After a failure the lookup reads from the primary for this long before trying the replica again,
# so a replica that is down costs one failed connect per process now and then, not one per lookup.
RETRY_AFTER_SECONDS = 10.0
_replica_down_until = 0.0

T = TypeVar("T")


def replica_configured() -> bool:
    """A `replica` alias exists: in DATABASES (DATABASE_REPLICA_URL), or made at run time by a test."""
    try:
        connections[REPLICA]
    except ConnectionDoesNotExist:
        return False
    return True


def replica_read(read: Callable[[str], T]) -> T:
    """Run ``read(alias)`` on the replica, or on the primary when there is none or it fails."""
    global _replica_down_until
    if not replica_configured() or time.monotonic() < _replica_down_until:
        return read(DEFAULT_DB_ALIAS)
    try:
        return read(REPLICA)
    except (OperationalError, InterfaceError) as error:
        logger.warning("replica unavailable, reading from the primary: %s", type(error).__name__)
        _replica_down_until = time.monotonic() + RETRY_AFTER_SECONDS
        connections[REPLICA].close()
        return read(DEFAULT_DB_ALIAS)
