"""Periodic work of the lookup: carrying the cache's counts into the database."""

from __future__ import annotations

from celery import shared_task

from accounts.services import lookup_usage_fold


# No arguments: the counts are in the cache. Safe to run twice, or two at once (see the service).
@shared_task(soft_time_limit=120, time_limit=150)
def lookup_usage_fold_task() -> None:
    lookup_usage_fold()
