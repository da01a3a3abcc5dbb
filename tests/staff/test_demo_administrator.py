"""`make run` (load_demo) prints how to sign in to the demo's admin, on the embedded default only."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.helpers import authenticator_for
from tests.staff.helpers import sign_in_by_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded_default(settings):
    # What `make run` has: no DATABASE_URL (SQLite), KESCO_ENV=development.
    settings.DATABASE_URL = None
    settings.PRODUCTION = False


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _printed_password(output: str) -> str:
    return re.search(r"as demo-admin, password (\S+) ", output).group(1)


def test_it_prints_a_demo_administrator_who_can_sign_in_and_enrol(embedded_default):
    output = _load_demo()

    assert "http://127.0.0.1:8000/staff/ as demo-admin" in output
    assert "leave the code empty" in output
    administrator = User.objects.get(username="demo-admin")
    assert administrator.is_superuser and administrator.is_staff
    response = sign_in_by_form(Client(), "demo-admin", password=_printed_password(output))
    assert response["Location"] == "/staff/enrol/"


def test_every_run_prints_a_new_password_and_keeps_the_app(embedded_default):
    first = _printed_password(_load_demo())
    authenticator_for(User.objects.get(username="demo-admin"))

    output = _load_demo()

    assert _printed_password(output) != first
    assert not User.objects.get(username="demo-admin").check_password(first)
    assert "what your authenticator app shows" in output
    assert User.objects.filter(username="demo-admin").count() == 1


def test_there_is_no_demo_administrator_on_a_real_database(settings):
    settings.DATABASE_URL = "postgres://somewhere/kesco"
    output = _load_demo()
    assert not User.objects.filter(username="demo-admin").exists()
    assert "createsuperuser" in output and "password" not in output


def test_there_is_never_a_demo_administrator_in_production(settings):
    settings.DATABASE_URL = None
    settings.PRODUCTION = True
    _load_demo()
    assert not User.objects.filter(username="demo-admin").exists()
