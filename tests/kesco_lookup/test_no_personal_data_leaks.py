"""One walk through every flow that handles a consumer's data, with every logger listening at DEBUG.

The project's hard rule: no account number, name or mobile in a log line, a URL or a task's
arguments. Fraudsters already hold many consumers' old numbers, names and mobiles, so the walk
uses one distinctive consumer and looks for her in every form she could take: the digits, with
spaces or hyphens, in Devanagari digits, the mobile's last four next to her number, her name and
her masked name.
"""

from __future__ import annotations

import io
import logging
import pickle
import re
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from celery.app.task import Task
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import AccountMapping
from imports.models import ImportBatch
from imports.services import apply
from kesco_lookup.celery import app as celery_app
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db

# Zorawar, the consumer whose data must never leak; and Bhagwati, whose row the importer refuses.
OLD = "31415926"
OLD_DEVANAGARI = "३१४१५९२६"
OLD_SPACED = "3141 5926"
NEW = "2718281828"
NAME = "Zorawar Pratapgarhi"
MASKED_NAME = "Z****** P**********"
MOBILE = "9414253647"
LAST4 = MOBILE[-4:]
REFUSED_OLD = "16180339"
REFUSED_NAME = "Bhagwati Kanaujia"

_NUMBERS = (OLD, NEW, MOBILE, REFUSED_OLD, OLD + LAST4, LAST4 + OLD, NEW + LAST4)
_WORDS = (*NAME.split(), *REFUSED_NAME.split())
_SEPARATORS = re.compile(r"[\s\-./_,:;()]+")

# Every logger that could carry a request, a query or a task: the project's, Django's and Celery's,
# turned up to DEBUG for the walk (as someone chasing a problem might). django.template keeps the
# INFO the settings pin it to: its DEBUG lines print whole page contexts (see kesco_lookup/settings/security.py).
_LOGGERS = (
    "",
    "django",
    "django.request",
    "django.server",
    "django.security",
    "django.db.backends",
    "celery",
    "celery.app.trace",
    "celery.task",
    "celery.worker",
    "django_ratelimit",
    "accounts",
    "imports",
    "safety",
    "kesco_lookup",
)
_RECORD_BASICS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

MAPPING_FILE = csv_bytes(
    f"{OLD},{NEW},{NAME},Kidwai Nagar,{MOBILE}",
    f"{REFUSED_OLD},161803398X,{REFUSED_NAME},Kidwai Nagar,9415161803",
)
# The billing team sometimes names a one-consumer correction file after the consumer.
FILE_NAME = f"correction {NAME} {OLD}.csv"
SCAM_MESSAGE = (
    f"प्रिय {NAME}, आपका खाता {OLD_DEVANAGARI} (नया {NEW}) अपडेट नहीं हुआ। "
    f"मोबाइल {MOBILE} पर OTP बताइए, वरना आज रात बिजली कट जाएगी।"
)


def _digits_joined(text: str) -> str:
    """Any Unicode digit as ASCII, and spaces, hyphens, dots and the like gone: '३१४१ ५९२६' is 31415926."""
    ascii_digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return _SEPARATORS.sub("", ascii_digits)


def leaks_in(text: str) -> list[str]:
    joined, lowered = _digits_joined(text), text.lower()
    found = [number for number in _NUMBERS if number in joined]
    found += [word for word in _WORDS if word.lower() in lowered]
    if MASKED_NAME in text:
        found.append(MASKED_NAME)
    return found


def test_the_needles_find_every_form_of_the_consumers_data() -> None:
    # The search itself must work, or the walk below would pass by finding nothing.
    for form in (OLD, OLD_DEVANAGARI, OLD_SPACED, "3141-5926", NEW, "27182 81828", MOBILE, "94142 53647"):
        assert leaks_in(f"x {form} y"), form
    assert leaks_in(f"mobile …{LAST4} for {OLD}")
    assert leaks_in("zorawar") and leaks_in(MASKED_NAME)
    assert not leaks_in("import batch 12: validated 2 rows (3647 bytes)")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: dict[int, logging.LogRecord] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.records[id(record)] = record  # a record seen on several loggers counts once


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write from a record: message, arguments, exception, extras."""
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    parts += [record.exc_text or "", record.stack_info or ""]
    parts += [f"{key}={value!r}" for key, value in vars(record).items() if key not in _RECORD_BASICS]
    return "\n".join(parts)


@pytest.fixture
def every_log_record() -> Iterator[_Records]:
    handler = _Records()
    saved = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield handler
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def tasks_sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple, dict]]]:
    """Every Celery task queued, with its arguments; run in-process as the import tests run them."""
    sent: list[tuple[str, tuple, dict]] = []
    original = Task.apply_async

    def recording_apply_async(self: Task, args: tuple | None = None, kwargs: dict | None = None, *rest, **options):
        sent.append((self.name, tuple(args or ()), dict(kwargs or {})))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recording_apply_async)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield sent
    celery_app.conf.task_always_eager = previous


# Fields that carry a consumer's data: a form sending one of them by GET would put it in the URL.
_PERSONAL_FIELDS = {"old_account_number", "mobile_last4", "account_number", "message", "message_text", "contact"}


class _Addresses(HTMLParser):
    """Every address a page links to or sends a form to, and the personal fields of forms sent by GET."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.fields_sent_by_get: list[str] = []
        self._form_method = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action", "data-url", "formaction"):
            if values.get(name):
                self.addresses.append(values[name] or "")
        if tag == "input" and values.get("name") == "next":  # where the language switch goes back to
            self.addresses.append(values.get("value") or "")
        if tag == "form":
            self._form_method = (values.get("method") or "get").lower()
        elif tag in {"input", "textarea"} and self._form_method == "get" and values.get("name") in _PERSONAL_FIELDS:
            self.fields_sent_by_get.append(values["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form_method = ""


class _Browser:
    """A test client that keeps every response, to look at their addresses afterwards."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.responses: list = []

    def get(self, path: str, **extra: object) -> HttpResponse:
        return self._kept(self.client.get(path, **extra))

    def post(self, path: str, data: object = None, **extra: object) -> HttpResponse:
        return self._kept(self.client.post(path, data, **extra))

    def _kept(self, response: HttpResponse) -> HttpResponse:
        self.responses.append(response)
        return response


def _logged_in(user: User) -> _Browser:
    client = Client()
    sign_in(client, user)
    return _Browser(client)


def addresses_in(response: HttpResponse) -> tuple[list[str], list[str]]:
    """The addresses a response sends the browser to, and the personal fields it would send by GET."""
    addresses = [response["Location"]] if response.has_header("Location") else []
    if response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False):
        parser = _Addresses()
        parser.feed(response.content.decode())
        return addresses + parser.addresses, parser.fields_sent_by_get
    return addresses, []


def _cache_contents() -> list[str]:
    """Every key in the cache, with its raw stored value, as text (the lookup counts' included)."""
    backend = caches["default"]._cache  # type: ignore[attr-defined]
    if isinstance(caches["default"], RedisCache):  # integers stored as text, the rest pickled
        redis = backend.get_client(None, write=False)
        # The lookup counts (accounts.usage) keep hashes too; a HyperLogLog is a string.
        read = {b"hash": redis.hgetall, b"string": lambda key: _unpickled(redis.get(key))}
        return [f"{key!r} {read[redis.type(key)](key)!r}" for key in redis.keys("*")]
    usage = caches["default"].cache("lookup-usage")  # the disk cache keeps the counts apart
    return [f"{key!r} {store.get(key)!r}" for store in (backend, usage) for key in store]  # diskcache


def _missing_numbers_tally(entry: str) -> bool:
    # The one place the cache holds old numbers on purpose: misses on numbers the mapping does not
    # have, until the fold carries them to the missing-numbers list (README, 'Usage and missing numbers').
    return "usage:missing:" in entry or entry.startswith("'missing:")


def _unpickled(raw: bytes | None) -> object:
    try:
        return pickle.loads(raw)  # noqa: S301 (our own cache, in a test)
    except Exception:
        return raw


def _lookups(browser: _Browser) -> None:
    """Success (typed in Devanagari digits, with spaces), the API, wrong mobiles, an unknown number, then limited."""
    page = browser.post("/lookup/", {"old_account_number": "३१४१ ५९२६", "mobile_last4": LAST4})
    assert "27182" in page.content.decode()  # found: the page shows the new number, by design
    api = browser.post(
        "/api/v1/lookup", {"old_account_number": OLD, "mobile_last4": LAST4}, content_type="application/json"
    )
    assert api.json()["new_account_number"] == NEW
    browser.post("/lookup/", {"old_account_number": REFUSED_OLD, "mobile_last4": "1803"})
    for _ in range(5):  # the failure limit on one number: 5 an hour
        browser.post("/lookup/", {"old_account_number": OLD_SPACED, "mobile_last4": "0000"})
    limited = browser.post("/lookup/", {"old_account_number": OLD, "mobile_last4": LAST4})
    assert limited.status_code == 429
    limited_api = browser.post(
        "/api/v1/lookup", {"old_account_number": OLD, "mobile_last4": LAST4}, content_type="application/json"
    )
    assert limited_api.status_code == 429
    browser.get("/limited/?minutes=60")  # where the 429 page's language switch comes back to
    refused = _Browser(Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.7"))
    assert refused.post("/lookup/", {"old_account_number": OLD, "mobile_last4": LAST4}).status_code == 403
    browser.responses += refused.responses


def _safety_pages(browser: _Browser) -> None:
    checked = browser.post("/check/", {"message": SCAM_MESSAGE})
    assert checked.status_code == 200
    browser.post("/report/", {"prefill": "1", "message_text": SCAM_MESSAGE})
    sent = browser.post(
        "/report/",
        {
            "channel": "whatsapp",
            "suspect": "+91 70000 12345",
            "message_text": SCAM_MESSAGE,
            "contacted_on": "",
            "money_lost": "no",
            "contact": f"{NAME} {MOBILE}",
        },
    )
    assert sent.status_code == 302
    browser.get(sent["Location"])


def _server_errors(monkeypatch: pytest.MonkeyPatch) -> _Browser:
    """A view that crashes on a database error quoting the row, as PostgreSQL's do."""

    def crash(**_kwargs: object) -> None:
        raise IntegrityError(
            'duplicate key value violates unique constraint "accounts_mapping_old_number_unique"\n'
            f"DETAIL:  Key (old_account_number)=({OLD}) already exists.\n"
            f"Failing row contains ({OLD}, {NEW}, {NAME}, Kidwai Nagar, {LAST4})."
        )

    browser = _Browser(Client(raise_request_exception=False, REMOTE_ADDR="10.0.0.9"))
    with monkeypatch.context() as patched:
        patched.setattr("accounts.views.mapping_lookup_counted", crash)
        page = browser.post("/lookup/", {"old_account_number": OLD, "mobile_last4": LAST4})
        api = browser.post(
            "/api/v1/lookup", {"old_account_number": OLD, "mobile_last4": LAST4}, content_type="application/json"
        )
    assert (page.status_code, api.status_code) == (500, 500)
    return browser


def _admin_imports(operator: _Browser, support: _Browser, on_commit: Callable) -> ImportBatch:
    """Upload, check, preview, progress, apply; the support desk finds the mapping; roll back."""
    with on_commit(execute=True):
        uploaded = operator.post(
            reverse("admin:imports_importbatch_add"), {"file": SimpleUploadedFile(FILE_NAME, MAPPING_FILE)}
        )
    batch = ImportBatch.objects.get()
    assert uploaded.status_code == 302
    assert batch.status == ImportBatch.Status.VALIDATED and batch.count_refused == 1
    operator.get(uploaded["Location"])
    report = operator.get(reverse("admin:imports_importbatch_report", args=[batch.pk]))
    assert report["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}-refused-rows.csv"'
    progress = operator.get(reverse("admin:imports_importbatch_progress", args=[batch.pk]))
    assert not leaks_in(progress.content.decode())
    operator.get(reverse("admin:imports_importbatch_apply", args=[batch.pk]))  # the confirmation page
    operator.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch.pk]))
    operator.get(reverse("admin:imports_importbatch_changes_csv", args=[batch.pk]))
    with on_commit(execute=True):
        applied = operator.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]), {"confirmed": "1"})
    operator.get(applied["Location"])
    assert AccountMapping.objects.get(old_account_number=OLD).new_account_number == NEW

    found = support.post(reverse("admin:accounts_accountmapping_find"), {"account_number": OLD_DEVANAGARI})
    assert found.status_code == 302
    support.get(found["Location"])
    support.get(reverse("admin:accounts_accountmapping_changelist"))
    return batch


def _admin_failures(operator: _Browser, monkeypatch: pytest.MonkeyPatch, on_commit: Callable) -> None:
    """A database error in the middle of an apply, and a file refused for a missing column."""

    def apply_crash(batch_id: int, progress: object) -> int:
        raise IntegrityError(f"Key (new_account_number)=({NEW}) already exists. Failing row contains ({OLD}, {NAME}).")

    with on_commit(execute=True):
        operator.post(reverse("admin:imports_importbatch_add"), {"file": SimpleUploadedFile("again.csv", MAPPING_FILE)})
    batch = ImportBatch.objects.latest("pk")
    with monkeypatch.context() as patched, on_commit(execute=True):
        patched.setattr(apply, "apply_in_transaction", apply_crash)
        operator.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]), {"confirmed": "1"})
    assert ImportBatch.objects.get(pk=batch.pk).failure_code == "internal"
    with on_commit(execute=True):
        retried = operator.post(reverse("admin:imports_importbatch_retry", args=[batch.pk]))
    operator.get(retried["Location"])
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED

    no_new_column = f"old_account_number,consumer_name,mobile\n{OLD},{NAME},{MOBILE}\n".encode()
    with on_commit(execute=True):
        refused = operator.post(
            reverse("admin:imports_importbatch_add"), {"file": SimpleUploadedFile(FILE_NAME, no_new_column)}
        )
    operator.get(refused["Location"])
    assert ImportBatch.objects.latest("pk").failure_code == "missing_columns"


def _command_imports(tmp_path: Path) -> None:
    applied = tmp_path / FILE_NAME
    applied.write_bytes(MAPPING_FILE)
    # The command's own output goes to the operator's terminal, not to a log: not looked at here.
    call_command("import_mappings", str(applied), "--yes", stdout=io.StringIO())
    assert AccountMapping.objects.filter(old_account_number=OLD).exists()
    refused = tmp_path / "refused.csv"
    refused.write_bytes(csv_bytes(f"{OLD},{NAME}", header="old_account_number,consumer_name"))
    with pytest.raises(CommandError):
        call_command("import_mappings", str(refused), "--yes", stdout=io.StringIO())


def test_no_flow_puts_a_consumers_number_name_or_mobile_in_logs_urls_or_task_arguments(
    every_log_record, tasks_sent, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    operator = _logged_in(staff_user("operator", can_import=True))
    sunita = staff_user("sunita", can_import=False)
    sunita.groups.add(Group.objects.get(name="Support desk"))
    support = _logged_in(sunita)
    consumer = _Browser(Client(REMOTE_ADDR="10.0.0.7"))

    batch = _admin_imports(operator, support, django_capture_on_commit_callbacks)
    crashed = _server_errors(monkeypatch)
    consumer.get("/")
    _lookups(consumer)
    _safety_pages(consumer)
    operator.get(reverse("admin:imports_importbatch_rollback", args=[batch.pk]))  # the confirmation page
    rolled_back = operator.post(reverse("admin:imports_importbatch_rollback", args=[batch.pk]), {"confirmed": "1"})
    operator.get(rolled_back["Location"])
    assert not AccountMapping.objects.filter(old_account_number=OLD).exists()
    _command_imports(tmp_path)
    _admin_failures(operator, monkeypatch, django_capture_on_commit_callbacks)

    records = list(every_log_record.records.values())
    assert any(record.name == "django.request" and record.levelno == logging.ERROR for record in records)
    assert any(record.name == "accounts.views" for record in records)
    assert any(record.name.startswith("imports.services.") for record in records)
    leaking = [(record.name, leaks_in(record_text(record)), record.getMessage()[:200]) for record in records]
    assert [leak for leak in leaking if leak[1]] == []
    for browser in (operator, support, consumer, crashed):
        for response in browser.responses:
            addresses, fields_sent_by_get = addresses_in(response)
            for address in addresses:
                assert not leaks_in(unquote_plus(address)), (response.request["PATH_INFO"], address)
            assert not fields_sent_by_get, (response.request["PATH_INFO"], fields_sent_by_get)
    assert {name for name, _args, _kwargs in tasks_sent} == {
        "imports.tasks.import_batch_validate_task",
        "imports.tasks.import_batch_apply_task",
    }
    for name, args, kwargs in tasks_sent:
        assert all(isinstance(value, int) for value in (*args, *kwargs.values())), (name, args, kwargs)
    cached = _cache_contents()
    assert any("imports:progress" in entry for entry in cached)  # the cache was written, and read here
    # REFUSED_OLD was looked up and is not in the mapping (its row was refused): counted as missing.
    assert any(_missing_numbers_tally(entry) and REFUSED_OLD in entry for entry in cached)
    for entry in cached:
        if _missing_numbers_tally(entry):
            assert set(leaks_in(entry)) <= {REFUSED_OLD}, entry
        else:
            assert not leaks_in(entry), entry
