"""Celery tasks for imports. Each takes a batch id only (never file contents or numbers) and calls a service.

Both are safe to deliver twice: the services hold a per-batch lock and check the batch's status.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from imports import services


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
