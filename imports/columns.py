"""Table and column names from the models' _meta, for the import's raw SQL (services and selectors alike)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import models


def column_names(model: type[models.Model]) -> SimpleNamespace:
    """The model's table (``.table``) and each field's column, by field name (``.batch`` is batch_id)."""
    return SimpleNamespace(
        table=model._meta.db_table, **{field.name: field.column for field in model._meta.concrete_fields}
    )
