"""WSGI entry point: Django's handler, with requests that survive any declared charset (handlers.py)."""

from __future__ import annotations

import os

import django

from kesco_lookup.handlers import SiteWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does
application = SiteWSGIHandler()
