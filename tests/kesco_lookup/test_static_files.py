"""Static files: plain names without collectstatic (make run, tests); hashed, compressed copies in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, override_settings

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_pages_render_under_test_settings_without_collectstatic(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "never-collected"  # nothing there: collectstatic was not run
    assert settings.STORAGES["staticfiles"]["BACKEND"] != MANIFEST
    response = Client().get("/")
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.content.decode()


def test_production_settings_choose_the_hashed_compressed_storage():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    production = {
        "KESCO_ENV": "production",
        # Production refuses a key of one repeated character (settings/security.py).
        "DJANGO_SECRET_KEY": "Zq7-test-only-9fK2mWp4Lx8vRt6Yb3Nc1Hd5Jg0Se_AuQiOoPlMkXwEy",
        "DJANGO_ALLOWED_HOSTS": "lookup.example",
        "SITE_URL": "https://lookup.example",
        "DATABASE_URL": "postgres://kesco@db/kesco",
        "REDIS_URL": "redis://cache:6379/0",
        "CELERY_BROKER_URL": "redis://cache:6379/1",
    }
    code = "from kesco_lookup import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **production}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == MANIFEST


@pytest.mark.django_db
def test_after_collectstatic_the_manifest_storage_serves_hashed_compressed_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        html = Client().get("/").content.decode()
    hashed = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', html)
    assert hashed, "the page should link the stylesheet by its hashed name"
    assert (tmp_path / hashed.group(1)).exists()
    assert (tmp_path / (hashed.group(1) + ".gz")).exists()


@pytest.mark.django_db
def test_pages_say_they_have_no_icon_so_phones_never_fetch_favicon_ico():
    # Without it a browser asks for /favicon.ico on a first visit and downloads the 404 page for nothing.
    for path in ("/", "/check/", "/report/", "/no-such-page/"):
        assert '<link rel="icon" href="data:,">' in Client().get(path).content.decode(), path
    assert '<link rel="icon" href="data:,">' in render_to_string("500.html")
