"""No input makes a 500, and no request writes to the database outside a form's own success.

A property-based crawl (hypothesis, strategies in fuzz.py): every route the URL resolver knows, plus
static files and paths that lead to the error pages, gets random methods, content types and charsets,
bodies, headers, cookies and query strings, as an anonymous consumer and as a signed-in administrator.
CSRF is enforced as in production, with the cookie always sent and the matching header usually, so
the views behind the check are reached too. The examples are derandomized: CI tries the same ones on
every run, and the two inputs that once made a 500 are always among them.

Writes allowed, each a form's own success (every other statement that writes fails the test):
- /report/ answered by the redirect to /report/thanks/: the scam report, and the session holding
  "money lost: yes/no" for the thanks page.
- /staff/login/ POSTs: django-axes' rows, which count failed sign-ins in the database by design.
- /staff/logout/ POSTs: the session, which signing out deletes.
- an admin POST by the signed-in administrator answered by a redirect: the admin saved, deleted or
  ran an action, and wrote what that needs (its own log, the session's messages).
- anything under /staff/, GETs included: the audit trail's entry, which records sign-ins, failures
  and every look at a consumer's mapping by design.
Rate-limit counters live in the cache, not the database, and are cleared before every example.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given
from hypothesis import settings as hypothesis_settings

from accounts.models import AccountMapping
from safety.demo import load_safety_demo
from safety.models import Alert, GenuineMessage, OfficialContact, SafetyRule
from safety.services import scam_report_create
from tests.helpers import make_mapping, sign_in
from tests.imports.helpers import batch_validated, csv_bytes
from tests.kesco_lookup.fuzz import (
    BOUNDARY,
    ID_TOKENS,
    PARAMETER_VALUES,
    WIDE_PNG,
    FuzzRequest,
    multipart,
    requests,
    routes,
)
from tests.staff.helpers import member_of_staff

pytestmark = pytest.mark.django_db

# A CSRF secret as Django makes them (32 letters and digits); sent as the cookie, and as the header.
CSRF_SECRET = "fuzz" * 8
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
JUNK_FORM_TYPE = "application/x-www-form-urlencoded"
JUNK_FORM = b"q=12345678&action=delete_selected&_selected_action=1&code=000000&next=//evil.example/"
_AXES_TABLES = {"axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}


@pytest.fixture
def site(settings, tmp_path) -> dict[str, str]:
    """One of everything the admin shows, and a signed-in administrator: the ids the paths use."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_safety_demo()
    now = timezone.now()
    alert = Alert.objects.create(title_hi="चेतावनी", title_en="Alert", text_hi="पाठ", text_en="Text", starts_at=now)
    genuine = GenuineMessage.objects.create(
        sender_id="UPPCLT",
        description_hi="बिल",
        description_en="Bill",
        never_contains_hi="लिंक",
        never_contains_en="links",
    )
    report = scam_report_create(
        channel="sms", suspect="9876543210", message_text="Pay now", contacted_on=None, money_lost=False, contact=""
    )
    batch = batch_validated(csv_bytes("12345670,9912345670,Ram Lal,Kidwai Nagar,9876543210"))
    administrator = member_of_staff("fuzz-admin", superuser=True)
    session_key = sign_in(Client(), administrator).session.session_key
    return {
        "ID_MAPPING": str(make_mapping().pk),
        "ID_REPORT": str(report.pk),
        "ID_BATCH": str(batch.pk),
        "ID_STAFF": str(administrator.pk),
        "ID_ALERT": str(alert.pk),
        "ID_CONTACT": str(OfficialContact.objects.first().pk),
        "ID_RULE": str(SafetyRule.objects.first().pk),
        "ID_GENUINE": str(genuine.pk),
        "ID_TYPE": str(ContentType.objects.get_for_model(AccountMapping).pk),
        "session_key": session_key,
    }


def _send(fuzz: FuzzRequest, site: dict[str, str]):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    cookies = [f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"]
    if fuzz.as_staff:
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={site['session_key']}")
    if fuzz.cookie_junk:
        cookies.append(fuzz.cookie_junk)
    headers = dict(fuzz.headers)
    if fuzz.csrf_header:
        headers["X-CSRFToken"] = CSRF_SECRET
    path = fuzz.path
    for token, value in site.items():
        path = path.replace(token, value)
    return client.generic(
        fuzz.method,
        path,
        headers=headers,
        QUERY_STRING=fuzz.query,
        HTTP_COOKIE="; ".join(cookies),
        CONTENT_TYPE=fuzz.content_type or "",
        CONTENT_LENGTH=fuzz.content_length if fuzz.content_length is not None else str(len(fuzz.body)),
        # As a server hands a body over: a declared length longer than the body reads short, as when
        # the client stops sending (the test client's own payload would fail the test instead).
        **{"wsgi.input": io.BytesIO(fuzz.body)},
    )


def _allowed_writes(fuzz: FuzzRequest, response) -> set[str] | None:  # type: ignore[no-untyped-def]
    """The tables this request may write to (None: any), as the module's docstring lists them."""
    path = response.wsgi_request.path_info
    audited = {"audit_auditentry"} if path.startswith("/staff/") else set()
    if fuzz.method != "POST":
        return audited
    if path == "/report/" and response.status_code == 302 and response["Location"] == "/report/thanks/":
        return {"safety_scamreport", "django_session"}
    if path == "/staff/login/":
        return _AXES_TABLES | audited
    if path == "/staff/logout/":
        return {"django_session"} | audited
    if fuzz.as_staff and path.startswith("/staff/") and response.status_code == 302:
        return None
    return audited


@pytest.fixture
def raised() -> Iterator[list[str]]:
    """The class of any exception a view let out (its message is left out of logs, so of this too)."""
    classes: list[str] = []

    def record(sender: object, request: object = None, **kwargs: object) -> None:
        error = sys.exc_info()[1]
        classes.append(type(error).__qualname__ if error else "unknown")

    got_request_exception.connect(record)
    yield classes
    got_request_exception.disconnect(record)


# Found by this test before they were fixed: a form in a charset Django refuses (its own 400 page then
# read the body again, and failed: a 500), and a picture wider than zxing-cpp reads.
@example(
    fuzz=FuzzRequest(
        path="/check/",
        method="POST",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        body="message=hello".encode("utf-16"),
    )
)
@example(
    fuzz=FuzzRequest(
        path="/check/qr/",
        method="POST",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        body=multipart([], [("image", "qr.png", WIDE_PNG)], None),
    )
)
@hypothesis_settings(
    max_examples=400,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(fuzz=requests())
def test_it_never_answers_500_nor_writes_outside_a_form_success(fuzz: FuzzRequest, site, raised) -> None:
    response, written = _sent(fuzz, site, raised)

    # How far the requests got (pytest --hypothesis-show-statistics): CSRF and 405 must not be all.
    event(f"{fuzz.method} answered {response.status_code}")
    _assert_no_500_nor_stray_write(fuzz, response, written, raised)


def test_every_route_answers_a_get_and_a_junk_post_without_a_500(site, raised) -> None:
    # The random examples reach each route a time or two: this visits every one, with each id.
    for template, params in routes():
        path = template % {name: PARAMETER_VALUES.get(name, ID_TOKENS)[0] for name in params}
        for fuzz in (
            FuzzRequest(path=path),
            FuzzRequest(path=path, as_staff=True),
            FuzzRequest(path=path, method="POST", content_type=JUNK_FORM_TYPE, body=JUNK_FORM, as_staff=True),
        ):
            response, written = _sent(fuzz, site, raised)
            _assert_no_500_nor_stray_write(fuzz, response, written, raised)


def test_the_fuzz_sees_what_a_request_writes(site, raised) -> None:
    # The check of writes is only worth something if it sees them: a report sent writes its row.
    body = b"channel=sms&suspect=9876543210&money_lost=no"
    fuzz = FuzzRequest(path="/report/", method="POST", content_type=JUNK_FORM_TYPE, body=body)

    response, written = _sent(fuzz, site, raised)

    assert response.status_code == 302
    assert "safety_scamreport" in written
    assert _allowed_writes(fuzz, response) == {"safety_scamreport", "django_session"}
    assert _allowed_writes(FuzzRequest(path="/report/"), response) == set()  # a GET may write nothing


def _sent(fuzz: FuzzRequest, site: dict[str, str], raised: list[str]):  # type: ignore[no-untyped-def]
    """The response, and the tables the request wrote to (then undone, so every request meets the same data)."""
    cache.clear()  # rate-limit counters: every request starts with none, so the forms stay reachable
    raised.clear()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = _send(fuzz, site)
        transaction.set_rollback(True)
    written = {match[1].lower() for query in queries.captured_queries if (match := _WRITE.match(query["sql"]))}
    return response, written


def _assert_no_500_nor_stray_write(fuzz: FuzzRequest, response, written: set[str], raised: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code != 500, f"500 from {raised} for {fuzz}"
    allowed = _allowed_writes(fuzz, response)
    if allowed is not None:
        stray = sorted(written - allowed)
        assert not stray, f"{fuzz.method} {fuzz.path} answered {response.status_code} and wrote to {stray}"
