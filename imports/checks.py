"""System checks for what the importer needs: a database that can run its SQL, the openpyxl it was written for."""

from __future__ import annotations

import sqlite3

from django.core.checks import Error, register
from django.db import connections

from imports.reader.openpyxl_adapter import UnsupportedOpenpyxlVersion, check_openpyxl_version

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


@register()
def openpyxl_is_the_pinned_version(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    # A wrong version is a deployment error: `migrate` and `check --deploy` stop on it, while the
    # lookup keeps serving and an XLSX upload is refused (the reader checks again before parsing).
    try:
        check_openpyxl_version()
    except UnsupportedOpenpyxlVersion as error:
        return [
            Error(
                str(error),
                hint="pip install -r requirements.txt",
                id="imports.E002",
            )
        ]
    return []
