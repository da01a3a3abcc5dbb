"""Logging filters that keep personal data out of the log lines written for exceptions.

An exception's message can quote the data it failed on: PostgreSQL's say "Key
(old_account_number)=(12345678) already exists" or "Failing row contains (...)", and Python's own
quote values ("invalid literal for int() with base 10: '...'"). Where a logged exception comes from
is in its class and its frames; what it was about stays out.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

# A lookup's outcome (found, no_match, already_new), put in the request's WSGI environ by the view for
# the access-log line to carry (gunicorn.conf.py): a value of the request, never a number or a name.
LOOKUP_OUTCOME_KEY = "kesco.lookup_outcome"

_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _chain(error: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those it came from, oldest first, each with the line leading on to the next."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    return list(reversed(chain))


def exception_without_messages(error: BaseException) -> str:
    """A traceback as Python prints it, with each exception's class but none of its message."""
    lines: list[str] = []
    for exception, leads_on in _chain(error):
        if exception.__traceback__ is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(exception.__traceback__))
        kind = type(exception)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message not logged)\n")
        lines.append(leads_on)
    return "".join(lines).rstrip("\n")


class ExceptionMessagesRemoved(logging.Filter):
    """Replace a record's exception with its traceback without messages, before any handler sees it.

    The exception itself is dropped from the record (exc_info), so no handler added later (a file,
    an error tracker) can format it in full; formatters print the exc_text left in its place.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            kind = type(record.exc_info[1])
            record.exception_class = f"{kind.__module__}.{kind.__qualname__}"
            record.exc_text = exception_without_messages(record.exc_info[1])
            record.exc_info = None
        return True


class TaskErrorsWithoutMessages(ExceptionMessagesRemoved):
    """For celery.app.trace: a failed task's line quotes the exception (``%(exc)s``) and its traceback.

    Celery logs them as values of the record's args (and again in ``record.data``), not only as
    exc_info, so the message would carry what a database error quotes. Both become the class name
    and the traceback without messages; exc_info is handled as for every other logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        for context in (record.args, getattr(record, "data", None)):
            if not isinstance(context, dict):
                continue
            if "exc" in context:
                context["exc"] = f"{type(error).__qualname__} (message not logged)" if error else "(not logged)"
            if "traceback" in context:
                context["traceback"] = exception_without_messages(error) if error else ""
        return super().filter(record)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object a line, for log shippers (LOG_FORMAT=json): a fixed set of keys and nothing else.

    Not python-json-logger: it writes every extra attribute a record carries (django.request's request
    object, Celery's task data), where an allowlist is what keeps personal data out. Place it after
    ExceptionMessagesRemoved, which leaves the exception's class and a traceback without messages.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if getattr(record, "exception_class", None):
            line["exception"] = record.exception_class
            line["traceback"] = record.exc_text or ""
        return json.dumps(line, ensure_ascii=False)
