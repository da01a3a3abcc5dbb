"""Periodic work of the staff side: the daily retention purge."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from staff.services import retention_purge


# No arguments; safe to run twice and at any hour (each purge deletes by date).
@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def retention_purge_task() -> None:
    retention_purge()
