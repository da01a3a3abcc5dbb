"""The importer's settings: its database work, how long files are kept, the limits that refuse upload bombs."""

from __future__ import annotations

from kesco_lookup.env import env_int, env_str

# PostgreSQL work_mem for the importer's set-based checks and merge only (the server default, 4 MB,
# makes hashing 750,000 rows spill to disk). Per statement and hash, so keep it modest.
IMPORTS_WORK_MEM = env_str("IMPORTS_WORK_MEM", "64MB")
# Uploaded mapping files and their error reports hold full names and mobiles. Once a batch has
# ended (applied, failed, rolled back) they are needed only to look back at a mistake, so
# `manage.py imports_purge_files` deletes them this many days later (the counts, the SHA-256 and
# the rollback history stay). At least 1: a 0 would delete a failed batch's file before anyone
# could run it again.
IMPORTS_FILE_RETENTION_DAYS = env_int("IMPORTS_FILE_RETENTION_DAYS", 30, minimum=1)
# Upload bombs: a workbook small when zipped and huge unzipped is refused before it costs memory.
# A 750,000-row export (docs/imports.md, "Upload bombs") has 6-9 parts, a sheet of 139-233 MB
# packed 8.5 to 1, up to 2.06 million shared strings; the bombs pack 400-1,030 to 1. Each default
# leaves room over the real file (4x and more) and none for a bomb.
IMPORTS_XLSX_MAX_PARTS = env_int("IMPORTS_XLSX_MAX_PARTS", 1000, minimum=10)
IMPORTS_XLSX_MAX_PART_MB = env_int("IMPORTS_XLSX_MAX_PART_MB", 1024, minimum=1)
IMPORTS_XLSX_MAX_RATIO = env_int("IMPORTS_XLSX_MAX_RATIO", 100, minimum=10)
IMPORTS_XLSX_MAX_SHARED_STRINGS = env_int("IMPORTS_XLSX_MAX_SHARED_STRINGS", 5_000_000, minimum=1000)
# The mapping has five columns; billing exports carry a few dozen. A cell with a value further right
# refuses the file (empty formatted cells there are passed over).
IMPORTS_XLSX_MAX_COLUMN = env_int("IMPORTS_XLSX_MAX_COLUMN", 100, minimum=5)
# A cell (XLSX) longer than this refuses the file: the longest name is under 200 characters.
IMPORTS_MAX_CELL_CHARS = env_int("IMPORTS_MAX_CELL_CHARS", 100_000, minimum=1000)
# A CSV line longer than this refuses the file, so a line with no line break is never read whole.
IMPORTS_CSV_MAX_LINE_CHARS = env_int("IMPORTS_CSV_MAX_LINE_CHARS", 1_000_000, minimum=10_000)
# The per-task memory ceiling: reading a file stops (too_much_memory, the batch failed, the worker
# alive) once the process holds more. A 750,000-row import peaks near 300 MB; 1 GB leaves room.
IMPORTS_MAX_TASK_MEMORY_MB = env_int("IMPORTS_MAX_TASK_MEMORY_MB", 1024, minimum=64)
# In kilobytes: a worker child still holding more than this after a task is replaced by a fresh one
# (the heap a big import grew is not handed back). It acts between tasks; the per-task ceiling
# IMPORTS_MAX_TASK_MEMORY_MB stops a task while it runs. 768 MB: over twice a 750,000-row import's peak.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 768 * 1024, minimum=64 * 1024)
