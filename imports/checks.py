"""System checks for the importer's needs of the database."""

from __future__ import annotations

import sqlite3

from django.core.checks import Error, register
from django.db import connections

# The set-based checks and merge use UPDATE ... FROM, which SQLite has since 3.33 (2020).
_SQLITE_MINIMUM = (3, 33, 0)


@register()
def sqlite_supports_update_from(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if connections["default"].vendor != "sqlite" or sqlite3.sqlite_version_info >= _SQLITE_MINIMUM:
        return []
    return [
        Error(
            f"The mapping importer needs SQLite 3.33 or newer; this Python has {sqlite3.sqlite_version}.",
            hint="Use a newer Python build, or set DATABASE_URL to PostgreSQL.",
            id="imports.E001",
        )
    ]
