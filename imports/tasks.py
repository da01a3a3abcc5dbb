"""Celery tasks for imports. Each takes a batch id only (never file contents or numbers), or nothing, and
calls a service.

All are safe to deliver twice: the services hold a per-batch lock and check the batch's status.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from imports import services

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def import_batch_validate_task(batch_id: int) -> None:
    services.import_batch_validate(batch_id=batch_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def import_batch_apply_task(batch_id: int) -> None:
    services.import_batch_apply(batch_id=batch_id)


@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def imports_files_purge_task() -> None:
    """Daily, from celery beat: the same as `manage.py imports_purge_files` (no arguments, no personal data)."""
    result = services.import_files_purge(retention_days=settings.IMPORTS_FILE_RETENTION_DAYS)
    logger.info(
        "import files purge: %s batches, %s files, %s staging rows", result.batches, result.files, result.staging_rows
    )


@shared_task(soft_time_limit=50, time_limit=55)  # within the minute between runs
def imports_batches_fail_abandoned_task() -> None:
    """Every minute, from celery beat: batches left running by a dead worker are marked failed."""
    marked = services.import_batches_fail_abandoned()
    if marked:
        logger.info("import batches whose worker was lost: %s marked failed", marked)
