"""What the logs say when something breaks: where it broke, never the data it broke on."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

# What PostgreSQL says about a duplicate: it quotes the number, and the row.
DATABASE_ERROR = (
    'duplicate key value violates unique constraint "accounts_mapping_old_number_unique"\n'
    "DETAIL:  Key (old_account_number)=(12345678) already exists.\n"
    "Failing row contains (12345678, 9912345678, Ramesh Kumar, Kidwai Nagar, 4321)."
)


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_log() -> Iterator[_Kept]:
    handler = _Kept()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _console_output(record: logging.LogRecord) -> str:
    """The line the configured console handler writes for a record."""
    (console,) = [handler for handler in logging.getLogger("django").handlers if type(handler) is logging.StreamHandler]
    assert console.filter(record)
    return console.format(record)


@pytest.mark.parametrize("path", ["/lookup/", "/api/v1/lookup"])
def test_a_server_error_is_logged_with_its_traceback_but_not_the_data_its_message_quotes(
    path, request_log, monkeypatch
) -> None:
    ramesh()

    def crash(**_kwargs: object) -> None:
        raise IntegrityError(DATABASE_ERROR)

    monkeypatch.setattr("accounts.views.mapping_lookup_counted", crash)
    client = Client(raise_request_exception=False)
    data = {"old_account_number": "12345678", "mobile_last4": "4321"}
    if path.startswith("/api/"):
        response = client.post(path, data, content_type="application/json")
    else:
        response = client.post(path, data)

    assert response.status_code == 500
    (record,) = [record for record in request_log.records if record.levelno == logging.ERROR]
    assert record.exc_info is None  # no handler can format the exception in full
    assert f"Internal Server Error: {path}" in _console_output(record)
    for written in (record.exc_text, _console_output(record)):
        assert "django.db.utils.IntegrityError (message not logged)" in written
        assert "in crash" in written  # where it broke is still there
        for secret in ("12345678", "9912345678", "Ramesh", "4321", "Failing row"):
            assert secret not in written


def test_a_chained_exception_keeps_every_class_and_no_message() -> None:
    from kesco_lookup.logs import exception_without_messages

    typed = "12345678x"
    try:
        try:
            int(typed)
        except ValueError as error:
            raise IntegrityError(DATABASE_ERROR) from error
    except IntegrityError as error:
        text = exception_without_messages(error)

    assert text.index("builtins.ValueError") < text.index("direct cause") < text.index("IntegrityError")
    assert "12345678" not in text


def test_template_debug_lines_which_print_a_whole_page_context_stay_off_even_with_django_at_debug() -> None:
    # Django logs every variable a template misses at DEBUG, with the whole context: a result page's
    # number, a batch's refused rows. Turning the django logger up (to see SQL, say) must not.
    from django.template import Context, Template

    kept = _Kept()
    django_logger, template_logger = logging.getLogger("django"), logging.getLogger("django.template")
    level = django_logger.level
    template_logger.addHandler(kept)
    django_logger.setLevel(logging.DEBUG)
    try:
        Template("{{ not_there }}").render(Context({"again": {"old_account_number": "12345678"}}))
    finally:
        django_logger.setLevel(level)
        template_logger.removeHandler(kept)

    assert kept.records == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}),
        ("/check/", {"message": "Your account 12345678 will be cut tonight"}),
        ("/report/", {"message": "Called about account 12345678"}),
        ("/check/qr/", {}),
    ],
)
def test_consumer_forms_keep_their_posted_values_out_of_error_reports(path, data):
    # Django's error reports (mail_admins, an error tracker added later) print a request's POST
    # data unless the view marks it sensitive; these forms carry numbers and messages.
    response = Client().post(path, data)
    assert response.wsgi_request.sensitive_post_parameters


def test_find_a_mapping_keeps_the_typed_number_out_of_error_reports(admin_client):
    response = admin_client.post("/staff/accounts/accountmapping/find/", {"account_number": "12345678"})
    assert response.wsgi_request.sensitive_post_parameters == ("account_number",)


def _failing_task_log(error: Exception) -> list[logging.LogRecord]:
    """Run a task that raises ``error`` through Celery's own tracer (as a worker does), keep its log."""
    from celery.app.trace import build_tracer

    from kesco_lookup.celery import app

    @app.task(name="tests.failing_task", shared=False)
    def failing_task(batch_id: int) -> None:
        raise error

    handler = _Kept()
    logger = logging.getLogger("celery.app.trace")
    logger.addHandler(handler)
    try:
        tracer = build_tracer(failing_task.name, failing_task, eager=False, propagate=False, app=app)
        tracer("task-id-1", (7,), {}, {"hostname": "worker", "delivery_info": {}})
    finally:
        logger.removeHandler(handler)
    return handler.records


def test_a_failed_task_is_logged_with_its_class_and_frames_but_not_what_it_quoted():
    records = _failing_task_log(IntegrityError(DATABASE_ERROR))
    assert records, "Celery logged nothing for the failure"
    for record in records:
        logged = logging.Formatter("%(message)s").format(record)
        assert "IntegrityError" in logged
        assert "failing_task" in logged  # the frame: where it broke
        for personal in ("12345678", "9912345678", "Ramesh", "4321"):
            assert personal not in logged
            assert personal not in repr(getattr(record, "data", ""))
