"""KESCO account lookup: the Django project package."""

from __future__ import annotations

# Loading the Celery app here makes @shared_task bind to it wherever Django starts.
from kesco_lookup.celery import app as celery_app

__all__ = ("celery_app",)
