"""Warming the server's master process before it forks its workers (gunicorn.conf.py, when_ready).

A fresh worker otherwise spends its first request, about 100 ms here, importing the URLconf, reading
both languages' catalogues and compiling templates; gunicorn recycles workers every few thousand
requests, so under load that was a slow request every few seconds. Done once in the master, every
worker forks with it done. Nothing here opens a connection: what a fork inherits must not be shared
(the database's and Redis's connections are each worker's own). Why: README, 'Speed'.
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.backends.base import BaseEngine
from django.urls import get_resolver
from django.utils import translation


def _project_template_names(engine: BaseEngine) -> list[str]:
    """The names of the project's own templates among the engine's folders (its DIRS and the apps'); not
    Django's or other packages' (the admin's dozens), which the consumer pages never use."""
    base = Path(settings.BASE_DIR).resolve()
    names = set()
    for folder in map(Path, engine.template_dirs):
        folder = folder.resolve()
        # Under the project, but not its virtualenv's packages.
        if folder.is_dir() and folder.is_relative_to(base) and "site-packages" not in folder.parts:
            names.update(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))
    return sorted(names)


def process_warm() -> int:
    """Import the URLconf, load every language's catalogues and compile the project's templates into the
    cached loader; then freeze what exists so the workers' collector never walks it (and their copies
    of its pages stay shared). Returns how many templates were compiled."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        # Activating a language reads its catalogues; the URL tables and patterns are built per language.
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (imports every app's urls and builds the reverse tables)
            resolver.resolve("/")
    compiled = 0
    for engine in engines.all():
        names = _project_template_names(engine)
        for name in names:
            engine.get_template(name)
        compiled += len(names)
    # Python's documentation for gc.freeze: called right before fork, it keeps the collector from
    # touching (and so copying) the parent's objects in every child.
    gc.collect()
    gc.freeze()
    return compiled
