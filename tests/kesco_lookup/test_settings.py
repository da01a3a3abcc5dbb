"""Settings read the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from kesco_lookup.env import env_bool, env_int, env_list, env_str


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("KESCO_FLAG", "yes")
    assert env_bool("KESCO_FLAG") is True
    monkeypatch.setenv("KESCO_FLAG", "0")
    assert env_bool("KESCO_FLAG", default=True) is False
    monkeypatch.setenv("KESCO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KESCO_FLAG"):
        env_bool("KESCO_FLAG")


def test_it_refuses_a_number_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("KESCO_COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="KESCO_COUNT"):
        env_int("KESCO_COUNT", 1)


def test_it_refuses_a_number_below_the_minimum_and_accepts_the_minimum(monkeypatch):
    monkeypatch.setenv("KESCO_DAYS", "0")
    with pytest.raises(ImproperlyConfigured, match="KESCO_DAYS must be at least 1"):
        env_int("KESCO_DAYS", 30, minimum=1)
    monkeypatch.setenv("KESCO_DAYS", "1")
    assert env_int("KESCO_DAYS", 30, minimum=1) == 1


def test_it_demands_required_values(monkeypatch):
    monkeypatch.delenv("KESCO_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KESCO_MISSING"):
        env_str("KESCO_MISSING", required=True)


def test_it_splits_lists_on_commas(monkeypatch):
    monkeypatch.setenv("KESCO_LIST", " 10.0.0.1, 10.0.0.0/8 ,")
    assert env_list("KESCO_LIST") == ["10.0.0.1", "10.0.0.0/8"]


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import kesco_lookup.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_secrets_and_services():
    result = _import_settings(KESCO_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# A key production accepts: 50 characters or more, varied, not saying it is for development.
GOOD_KEY = "Zq7-test-only-9fK2mWp4Lx8vRt6Yb3Nc1Hd5Jg0Se_AuQiOoPlMkXwEy"
_PRODUCTION = {
    "KESCO_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "lookup.example",
    "SITE_URL": "https://lookup.example",
    "DATABASE_URL": "postgres://kesco@db/kesco",
    "REDIS_URL": "redis://cache:6379/0",
    "CELERY_BROKER_URL": "redis://cache:6379/1",
}


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"],
)
def test_production_names_each_required_variable_that_is_missing(missing):
    # The README marks these six *prod*: each one alone stops the start, and the message names it.
    result = _import_settings(**{k: v for k, v in _PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_debug():
    result = _import_settings(KESCO_ENV="production", DJANGO_DEBUG="1", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_production_starts_with_everything_set():
    result = _import_settings(
        KESCO_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="lookup.example",
        SITE_URL="https://lookup.example",
        DATABASE_URL="postgres://kesco@db/kesco",
        REDIS_URL="redis://cache:6379/0",
        CELERY_BROKER_URL="redis://cache:6379/1",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_rate_limits_off():
    result = _import_settings(**_PRODUCTION, RATELIMIT_ENABLE="0")
    assert result.returncode != 0
    assert "RATELIMIT_ENABLE must be on" in result.stderr


def test_development_still_runs_with_the_rate_limits_off():
    # make bench-lookup times the lookup alone that way.
    assert _import_settings(RATELIMIT_ENABLE="0").returncode == 0


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("k3y-" * 12, "fewer than 50"),  # 48 characters
        ("abcd" * 13, "fewer than 5 different characters"),
        ("development-only-insecure-key-do-not-use-in-production", "looks like the development key"),
        ("django-insecure-" + GOOD_KEY, "looks like the development key"),
        (GOOD_KEY + "-DEVELOPMENT", "looks like the development key"),
    ],
)
def test_production_refuses_a_weak_secret_key_and_names_it(key, reason):
    result = _import_settings(**{**_PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert reason in result.stderr
    assert key not in result.stderr  # the key itself is never printed


def test_an_unknown_environment_name_is_refused():
    result = _import_settings(KESCO_ENV="staging")
    assert result.returncode != 0
    assert "KESCO_ENV" in result.stderr


@pytest.mark.parametrize("site_url", ["lookup.example", "https://lookup.example/lookup/", "ftp://lookup.example"])
def test_it_refuses_a_site_url_that_is_not_a_scheme_and_a_host(site_url):
    result = _import_settings(SITE_URL=site_url)
    assert result.returncode != 0
    assert "SITE_URL must be a scheme and a host only" in result.stderr


def test_production_refuses_a_site_url_without_https():
    result = _import_settings(**{**_PRODUCTION, "SITE_URL": "http://lookup.example"})
    assert result.returncode != 0
    assert "SITE_URL must start with https://" in result.stderr


def test_it_keeps_the_site_url_without_a_trailing_slash():
    result = subprocess.run(
        [sys.executable, "-c", "from kesco_lookup import settings; print(settings.SITE_URL)"],
        env={**os.environ, "SITE_URL": "https://lookup.example/"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "https://lookup.example", result.stderr


def test_it_accepts_a_sqlite_database_url_without_a_connect_timeout(tmp_path):
    # connect_timeout is libpq's: given to SQLite, every connection failed (bench/bomb_bench.py's default).
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"}
    code = "from django.db import connection; connection.ensure_connection(); print(connection.vendor)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "sqlite", result.stderr


def test_it_gives_postgresql_a_connect_timeout():
    result = subprocess.run(
        [sys.executable, "-c", "from kesco_lookup import settings; print(settings.DATABASES['default']['OPTIONS'])"],
        env={**os.environ, "DATABASE_URL": "postgres://kesco@db.example:5432/kesco", "DB_CONNECT_TIMEOUT": "3"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "'connect_timeout': 3" in result.stdout, result.stderr
