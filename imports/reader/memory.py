"""The per-task memory ceiling: a file whose reading grows the process past it fails its batch.

Checked every so many rows (and shared strings) rather than trusted to the operating system, whose
out-of-memory killer would take the whole worker, and every task on it, down instead.
"""

from __future__ import annotations

import os
import resource

from django.conf import settings

from imports.reader.mapping_file import FileRefused

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb() -> float:
    """This process's resident memory now (Linux), or its peak where /proc is not there (macOS)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if os.uname().sysname == "Darwin" else peak / 1024


def memory_check() -> None:
    """Refuse to go on (too_much_memory) once the process holds more than IMPORTS_MAX_TASK_MEMORY_MB."""
    maximum = settings.IMPORTS_MAX_TASK_MEMORY_MB
    if resident_mb() > maximum:
        raise FileRefused("too_much_memory", maximum=maximum)
