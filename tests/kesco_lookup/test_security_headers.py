"""Every response carries the security headers: each route the URL resolver knows (as a consumer and as
a signed-in administrator), the error pages, the API's JSON and static files; and in production HSTS
and Secure cookies. Pages hold no inline code the policy would block (checked in the HTML here, in
Chromium by test_security_headers_browser.py). README.md, 'Security headers', says why each is there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import path

from kesco_lookup import urls as site_urls
from safety.models import Alert
from tests.helpers import sign_in
from tests.kesco_lookup.fuzz import ID_TOKENS, PARAMETER_VALUES, routes
from tests.kesco_lookup.headers import header_problems, inline_code_problems, source_hash
from tests.staff.helpers import member_of_staff

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
# What a deployment sets (the secret is made up for the test: long, varied, not the development one).
PRODUCTION_ENV = {
    "KESCO_ENV": "production",
    "DJANGO_SECRET_KEY": "Zq7-test-only-9fK2mWp4Lx8vRt6Yb3Nc1Hd5Jg0Se_AuQiOoPlMkXwEy",
    "DJANGO_ALLOWED_HOSTS": "lookup.example",
    "SITE_URL": "https://lookup.example",
    "DATABASE_URL": "postgres://kesco@db.invalid/kesco",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "CELERY_BROKER_URL": "redis://cache.invalid:6379/1",
}
_SERVICES = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}


def production_run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """A fresh Python with the production environment (plus `env`); nothing connects to the fake services."""
    clean = {k: v for k, v in os.environ.items() if k not in _SERVICES}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


class Crawl:
    """Sends requests and keeps every way their headers (and their pages' inline code) fall short."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.statuses: set[int] = set()
        self.responses: list = []

    def __call__(self, response, what: str):  # type: ignore[no-untyped-def]
        where = f"{what} ({response.status_code})"
        self.statuses.add(response.status_code)
        self.responses.append(response)
        self.problems += header_problems(response, where)
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            html = response.content.decode("utf-8", "replace")
            policy = response.get("Content-Security-Policy", "")
            self.problems += [f"{where}: {problem}" for problem in inline_code_problems(html, policy)]
        return response

    def assert_no_problems(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


def _as_staff(session_key: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def _error_pages(crawl: Crawl, site: dict[str, str], test_settings) -> None:  # type: ignore[no-untyped-def]
    consumer = Client(raise_request_exception=False)
    crawl(consumer.get("/no-such-page/"), "404: a missing page")
    crawl(_as_staff(site["session_key"]).get("/staff/no-such-page/"), "404 under /staff/")
    clerk = member_of_staff("clerk-without-roles")
    crawl(sign_in(Client(), clerk).get("/staff/imports/importbatch/add/"), "403: a page the role does not open")
    strict = Client(enforce_csrf_checks=True)
    crawl(strict.post("/check/", {"message": "hello"}), "403: CSRF failure")
    utf16 = "message=hello".encode("utf-16")  # generic(): post() would encode the body itself
    form_in_utf16 = "application/x-www-form-urlencoded; charset=utf-16"
    crawl(consumer.generic("POST", "/check/", utf16, content_type=form_in_utf16), "400: an unreadable charset")
    crawl(consumer.generic("POST", "/check/", b"x", CONTENT_LENGTH=str(64 * 1024 * 1024)), "413: too large a body")
    crawl(consumer.get("/limited/?minutes=20"), "the limited notice")
    for _ in range(int(settings.RATE_LIMITS["lookup_per_ip_minute"].split("/")[0]) + 1):
        response = consumer.post("/lookup/", {"old_account_number": "12345678", "mobile_last4": "0000"})
    crawl(response, "429: the lookup, limited")
    crawl(consumer.post("/api/v1/lookup", "{}", content_type="application/json"), "429: the API, limited (JSON)")
    # The rate-limit store down: the limited pages close with a 503.
    test_settings.CACHES = {
        **test_settings.CACHES,
        "ratelimit-down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on port 9
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    test_settings.RATELIMIT_USE_CACHE = "ratelimit-down"
    try:
        crawl(Client().post("/check/", {"message": "hello"}), "503: the rate-limit store down")
        crawl(Client().post("/api/v1/lookup", "{}", content_type="application/json"), "503 from the API (JSON)")
    finally:
        caches["ratelimit-down"].close()


# The object each admin model's pages are shown with (the site fixture's ids; a group made by migrate).
_MODEL_TOKENS = {
    "accounts/accountmapping": "ID_MAPPING",
    "imports/importbatch": "ID_BATCH",
    "safety/scamreport": "ID_REPORT",
    "auth/user": "ID_STAFF",
    "auth/group": "ID_GROUP",
    "safety/alert": "ID_ALERT",
    "safety/officialcontact": "ID_CONTACT",
    "safety/paymentchannel": "ID_CONTACT",
    "safety/safetyrule": "ID_RULE",
    "safety/genuinemessage": "ID_GENUINE",
}


def _filled(template: str, params: tuple[str, ...], site: dict[str, str]) -> str:
    model = re.match(r"/staff/(\w+/\w+)/", template)
    token = _MODEL_TOKENS.get(model[1], ID_TOKENS[0]) if model else ID_TOKENS[0]
    path = template % {name: PARAMETER_VALUES[name][0] if name in PARAMETER_VALUES else token for name in params}
    for name, value in site.items():
        path = path.replace(name, value)
    return path


def test_every_response_carries_the_security_headers_and_no_inline_code(site, settings) -> None:
    crawl = Crawl()
    staff = _as_staff(site["session_key"])
    site = {**site, "ID_GROUP": str(Group.objects.first().pk)}
    # Every route, its parameters filled with the site's objects, as a consumer and as the administrator.
    for template, params in routes():
        path = _filled(template, params, site)
        crawl(Client(raise_request_exception=False).get(path), f"GET {path}")
        crawl(staff.get(path), f"GET {path} as the administrator")
    # The API answers JSON, and a page that takes no GET its 405.
    crawl(Client().post("/api/v1/lookup", "{}", content_type="application/json"), "the API (JSON)")
    crawl(Client().get("/api/v1/lookup"), "GET of the API")
    # Static files, answered by WhiteNoise above the views: the project's, an app's, the admin's, none.
    for path in ("/static/css/site.css", "/static/js/copy.js", "/static/imports/progress.js"):
        crawl(Client().get(path), path)
    crawl(Client().get("/static/admin/css/base.css"), "the admin's stylesheet")
    crawl(Client().get("/static/no-such.css"), "a missing static file")
    _error_pages(crawl, site, settings)

    crawl.assert_no_problems()
    # The crawl met the pages it claims to (and the ids filled in reached real objects' pages).
    assert {200, 302, 400, 403, 404, 405, 413, 429, 503} <= crawl.statuses, crawl.statuses
    assert any(r.get("Content-Type") == "application/json" for r in crawl.responses)
    pages = {(r.wsgi_request.path, r.status_code) for r in crawl.responses}
    for model, token in _MODEL_TOKENS.items():
        assert (f"/staff/{model}/{site[token]}/change/", 200) in pages, model


def _fails(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a fault")


# A URLconf with the site's routes and one view that fails, for the 500 pages (none of ours fails).
urlpatterns = [path("fails/", _fails), path("api/fails/", _fails), *site_urls.urlpatterns]
handler500 = site_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_pages_carry_the_headers_too() -> None:
    crawl = Crawl()
    client = Client(raise_request_exception=False)
    crawl(client.get("/fails/"), "500")
    crawl(client.get("/api/fails/"), "500 under /api/ (JSON)")

    crawl.assert_no_problems()
    assert crawl.statuses == {500}
    assert crawl.responses[1]["Content-Type"] == "application/json"


def test_the_check_finds_inline_code_the_policy_would_block() -> None:
    # The crawl's HTML check is only worth something if it sees these.
    policy = "default-src 'self'; style-src 'self' " + source_hash("p{color:red}")
    page = (
        '<style>p{color:red}</style><style>b{}</style><script>alert(1)</script><p style="x" onclick="y">'
        '<a href="javascript:alert(1)">a</a><script src="/static/js/copy.js"></script>'
        '<script type="application/json" id="data">{"a": 1}</script>'
    )

    problems = inline_code_problems(page, policy)

    assert len(problems) == 5, problems
    assert not any("p{color:red}" in problem for problem in problems)


# --- Production ----------------------------------------------------------------------------------------

_PRODUCTION_SETTINGS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "MESSAGE_STORAGE",
)


def production_settings(**env: str) -> dict[str, object]:
    """The header and cookie settings as production computes them (read in a fresh Python)."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {_PRODUCTION_SETTINGS!r}}}))"
    )
    result = production_run("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_for_a_year_with_subdomains_and_sets_only_secure_cookies(site) -> None:
    production = production_settings()
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["MESSAGE_STORAGE"] == "django.contrib.messages.storage.fallback.FallbackStorage"
    crawl = Crawl()
    with override_settings(**production):
        consumer = Client()
        crawl(consumer.get("/", secure=True), "home")
        crawl(consumer.get("/check/", secure=True), "the check form (the CSRF cookie)")
        crawl(consumer.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True), "the language switch")
        switch = {"old_account_number": "12345678", "language": "hi"}
        crawl(consumer.post("/lookup/", switch, secure=True), "a form's language switch")
        report = {"channel": "sms", "suspect": "9876543210", "money_lost": "no"}
        crawl(consumer.post("/report/", report, secure=True), "a report sent (the session)")
        # The admin's "deleted" message goes to the messages cookie (Django's fallback storage).
        delete = f"/staff/safety/alert/{site['ID_ALERT']}/delete/"
        crawl(_as_staff(site["session_key"]).post(delete, {"post": "yes"}, secure=True), "an admin message")
        crawl(Client().get("/static/css/site.css", secure=True), "a static file")
        crawl(Client().get("/check/"), "plain HTTP")

    crawl.assert_no_problems()
    assert not Alert.objects.filter(pk=site["ID_ALERT"]).exists()
    seen: set[str] = set()
    for response in crawl.responses:
        assert response.wsgi_request.scheme == "http" or (
            response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        ), response.wsgi_request.path
        seen |= set(response.cookies)
        for name, morsel in response.cookies.items():
            assert morsel["secure"] and morsel["httponly"], f"{name} from {response.wsgi_request.path}: {morsel}"
    # Plain HTTP is sent to HTTPS, and every cookie the site sets was seen (so each was checked).
    assert crawl.responses[-1].status_code == 301
    assert {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
    } <= seen


def test_production_hsts_is_configurable() -> None:
    production = production_settings(SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="0")
    assert (production["SECURE_HSTS_SECONDS"], production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (600, False)
    assert production_settings(SECURE_HSTS_PRELOAD="1")["SECURE_HSTS_PRELOAD"] is True


def test_check_deploy_passes_at_warning_level_with_the_production_settings() -> None:
    result = production_run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_hsts_leaves_out_subdomains() -> None:
    # The check above can fail: turning includeSubDomains off brings back Django's warning W005.
    result = production_run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_INCLUDE_SUBDOMAINS="0"
    )
    assert result.returncode != 0
    assert "security.W005" in result.stdout + result.stderr
