"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly, in-process.

A task queued while serving a request carries the request's id in its message headers, and the
worker's log lines for it show that id (kesco_lookup/request_id.py): an upload and its import read
as one story in the logs.
"""

from __future__ import annotations

import os

from celery import Celery, Task
from celery.signals import before_task_publish, task_postrun, task_prerun

from kesco_lookup.request_id import NONE, current_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")

app = Celery("kesco_lookup")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEADER = "kesco_request_id"


@before_task_publish.connect(weak=False)
def _send_request_id(headers: dict | None = None, **kwargs: object) -> None:
    request_id = current_request_id.get()
    if headers is not None and request_id != NONE:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect(weak=False)
def _take_request_id(task: Task | None = None, **kwargs: object) -> None:
    # Only a task from the broker has the header; one run in-process keeps the request's own id.
    request_id = getattr(task.request, HEADER, None) if task is not None else None
    if request_id:
        task.request.request_id_token = current_request_id.set(str(request_id))


@task_postrun.connect(weak=False)
def _drop_request_id(task: Task | None = None, **kwargs: object) -> None:
    token = getattr(task.request, "request_id_token", None) if task is not None else None
    if token is not None:
        current_request_id.reset(token)
