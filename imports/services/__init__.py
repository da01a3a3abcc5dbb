"""Writes for bulk imports, a module per stage: upload, staging, checks, validate, apply, rollback, purge.

The statements are in sql.py, status changes in status.py. Nothing here queues a task: the callers
do, through imports.queueing. Account numbers, names and mobiles never reach the logs: only batch
ids, counts and error classes do.
"""

from imports.services.actions import (
    import_batch_apply_request,
    import_batch_requeue,
    import_batch_retry,
    import_batches_fail_abandoned,
)
from imports.services.apply import import_batch_apply, import_batch_end_unapplied
from imports.services.change_lists import changed_mappings_csv, changed_mappings_xlsx
from imports.services.progress import ProgressCallback
from imports.services.purge import FilesPurgeResult, import_batch_files_delete, import_files_purge
from imports.services.reports import import_batch_report_xlsx
from imports.services.rollback import import_batch_rollback
from imports.services.status import ImportActionRefused
from imports.services.upload import import_batch_create
from imports.services.validate import import_batch_validate

__all__ = [
    "FilesPurgeResult",
    "ImportActionRefused",
    "ProgressCallback",
    "changed_mappings_csv",
    "changed_mappings_xlsx",
    "import_batch_apply",
    "import_batch_apply_request",
    "import_batch_create",
    "import_batch_end_unapplied",
    "import_batch_files_delete",
    "import_batch_report_xlsx",
    "import_batch_requeue",
    "import_batch_retry",
    "import_batch_rollback",
    "import_batch_validate",
    "import_batches_fail_abandoned",
    "import_files_purge",
]
