"""HTML on the wire: consumer pages gzipped for browsers that take it, the staff admin never (BREACH)."""

from __future__ import annotations

import gzip

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import set_script_prefix

from tests.helpers import page_text, ramesh, sign_in

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_it_gzips_the_consumer_pages_in_hindi():
    for path in ("/", "/check/", "/check/qr/", "/report/"):
        response = Client().get(path, **GZIP)
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path
        html = gzip.decompress(response.content).decode()
        assert '<html lang="hi">' in html
        assert len(response.content) < len(html.encode()) / 2, path


def test_it_gzips_a_lookup_answer_too():
    ramesh()
    response = Client().post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}, **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "9912345678" in page_text(gzip.decompress(response.content).decode())


def test_it_sends_plain_html_to_a_client_that_does_not_ask_for_gzip():
    response = Client().get("/")
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]  # a cache must not hand this copy to a gzip client, or back
    assert response.content.decode().startswith("<!doctype html>")


def test_it_never_compresses_the_staff_admin():
    staff = Client()
    sign_in(staff, User.objects.create_superuser("admin", password="pw-admin-123"))
    for path in ("/staff/", "/staff/safety/scamreport/?q=upi"):
        response = staff.get(path, **GZIP)
        assert response.status_code == 200, path
        assert not response.has_header("Content-Encoding"), path
    assert not Client().get("/staff/login/", **GZIP).has_header("Content-Encoding")


def test_it_never_compresses_the_staff_admin_under_a_url_prefix_either():
    # Served below a prefix (SCRIPT_NAME /kesco), the admin's paths still start /staff/ for the URLconf.
    staff = Client()
    sign_in(staff, User.objects.create_superuser("admin", password="pw-admin-123"))
    set_script_prefix("/kesco/")  # what the WSGI handler does from SCRIPT_NAME; the test client does not
    try:
        response = staff.get("/staff/", SCRIPT_NAME="/kesco", **GZIP)
    finally:
        set_script_prefix("/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
