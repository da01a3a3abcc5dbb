"""A request id on every request: in each log line written while serving it and in its X-Request-ID
response header, so one consumer's complaint ("it said try again") leads to its lines and no others.

Taken from the front proxy's X-Request-ID when the peer is one of TRUSTED_PROXIES (the rule
client_ip uses) and the value looks like an id; otherwise made here. Celery tasks queued while
serving carry it in their message headers, and their log lines show it too (kesco_lookup/celery.py).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from kesco_lookup.limits import is_trusted_proxy

HEADER = "X-Request-ID"
# Letters, digits and - _ . only, 64 at most: nothing that could forge a log line or carry data.
_SANE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
NONE = "-"

current_request_id: ContextVar[str] = ContextVar("request_id", default=NONE)


def request_id_from(request: HttpRequest) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if offered and _SANE.fullmatch(offered) and is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every line logged while serving a request carries its id.

    The id stays set until the response is finished, not only while the middleware runs: Django logs a
    4xx or 5xx answer ("Not Found: /x") after the whole middleware chain has returned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    current_request_id.set(NONE)


request_finished.connect(_forget_request_id, dispatch_uid="kesco_lookup.request_id.forget")


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request), for ``%(request_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True
