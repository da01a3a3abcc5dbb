"""Oversized request bodies are refused from their Content-Length, before anything reads them."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kesco_lookup.middleware import RequestBodyLimitMiddleware
from tests.helpers import sign_in, staff_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        raise AssertionError("the body was read")


def _post(path: str, *, length: int, user=None):  # type: ignore[no-untyped-def]
    request = RequestFactory().generic(
        "POST", path, content_type="multipart/form-data; boundary=x", HTTP_CONTENT_LENGTH=str(length)
    )
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = _Unreadable()
    request.user = user or AnonymousUser()
    return request


def _signed_in_with_code(user, *, verified: bool = True):  # type: ignore[no-untyped-def]
    user.is_verified = lambda: verified  # as django-otp's middleware marks a user who gave a code
    return user


def _passes(request) -> bool:  # type: ignore[no-untyped-def]
    reached = []

    def view(req):  # type: ignore[no-untyped-def]
        reached.append(req)
        return HttpResponse("ok")

    response = RequestBodyLimitMiddleware(view)(request)
    assert (response.status_code == 413) != bool(reached)
    return bool(reached)


def test_it_refuses_a_large_upload_to_a_consumer_page_with_a_hindi_413_without_reading_it(settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 3 * MB
    client = Client()

    response = client.generic(
        "POST",
        reverse("safety:check_qr"),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * MB),
        **{"wsgi.input": _Unreadable()},
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "भेजने के लिए बहुत बड़ा" in text
    assert "2 MB" in text


def test_it_lets_a_body_within_the_limit_through(settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 3 * MB

    assert _passes(_post(reverse("safety:check_qr"), length=3 * MB))
    assert not _passes(_post(reverse("safety:check_qr"), length=3 * MB + 1))


def test_a_malformed_content_length_is_an_empty_body_as_django_reads_it() -> None:
    request = _post(reverse("accounts:lookup"), length=0)
    request.META["CONTENT_LENGTH"] = "lots"

    assert _passes(request)


def test_only_staff_who_may_import_get_the_larger_allowance_and_only_on_the_upload_page(settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 3 * MB
    settings.IMPORTS_MAX_FILE_BYTES = 100 * MB
    upload = reverse("admin:imports_importbatch_add")
    importer = _signed_in_with_code(staff_user("importer", can_import=True))
    support = _signed_in_with_code(staff_user("support", can_import=False))
    importer_without_code = _signed_in_with_code(staff_user("no-code", can_import=True), verified=False)

    assert _passes(_post(upload, length=60 * MB, user=importer))
    assert not _passes(_post(upload, length=60 * MB, user=importer_without_code))
    assert not _passes(_post(upload, length=60 * MB, user=support))
    assert not _passes(_post(upload, length=60 * MB))  # anonymous
    assert not _passes(_post(reverse("safety:check_qr"), length=60 * MB, user=importer))
    assert not _passes(_post(upload, length=101 * MB, user=importer))


def test_the_upload_form_refuses_a_file_over_the_import_limit_in_the_staff_language(settings) -> None:
    settings.IMPORTS_MAX_FILE_BYTES = 1 * MB
    client = Client()
    sign_in(client, staff_user("importer", can_import=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    big = io.BytesIO(b"old_account_number,new_account_number\n" + b"12345678,2640000001\n" * 60_000)
    big.name = "mapping.csv"

    response = client.post(reverse("admin:imports_importbatch_add"), {"file": big})

    assert response.status_code == 200
    assert "This file is larger than 1 MB" in response.content.decode()


def test_the_api_gets_its_413_as_json(settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 3 * MB

    response = Client().generic(
        "POST",
        "/api/v1/lookup",
        data=b"",
        content_type="application/json",
        CONTENT_LENGTH=str(10 * MB),
        **{"wsgi.input": _Unreadable()},
    )

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_an_api_crash_is_answered_in_json(monkeypatch) -> None:
    from accounts import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "lookup_account_turn", broken)
    client = Client(raise_request_exception=False)

    # A valid lookup: since issue 11 the limits come after the request is checked, so "{}" would be a 400.
    body = '{"old_account_number": "12345678", "mobile_last4": "4321"}'
    response = client.post("/api/v1/lookup", body, content_type="application/json")

    assert response.status_code == 500
    assert response.json() == {"error": "internal"}
