"""The pipeline's SQL names tables and columns as the models do: a renamed column cannot be missed."""

from __future__ import annotations

import dataclasses
import re

import pytest

from accounts.models import AccountMapping
from imports.models import ImportRow, MappingChange
from imports.selectors import changes
from imports.services import sql

_MODELS = (AccountMapping, ImportRow, MappingChange)


def _identifiers(statements: sql.Statements | changes.ChangeStatements) -> set[str]:
    texts = [getattr(statements, field.name) for field in dataclasses.fields(statements)]
    return {word for text in texts for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)}


def _database_names() -> set[str]:
    return {model._meta.db_table for model in _MODELS} | {
        field.column for model in _MODELS for field in model._meta.concrete_fields
    }


def test_every_statement_follows_tables_and_columns_renamed_in_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _database_names()
    used = _identifiers(sql.statements_from_meta()) & names
    assert {"accounts_accountmapping", "imports_importrow", "imports_mappingchange", "consumer_name"} <= used

    # As a db_table or db_column in the models would rename them.
    for model in _MODELS:
        monkeypatch.setattr(model._meta, "db_table", f"renamed_{model._meta.db_table}")
        for field in model._meta.concrete_fields:
            monkeypatch.setattr(field, "column", f"renamed_{field.column}")
    renamed = _identifiers(sql.statements_from_meta())

    assert renamed & names == set()  # no name spelled out by hand
    assert {f"renamed_{name}" for name in used} <= renamed


def test_the_statements_in_use_are_those_of_the_models_as_they_are() -> None:
    assert sql.statements() == sql.statements_from_meta()


def test_the_confirmation_pages_reads_follow_renamed_tables_and_columns_too(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _database_names()
    used = _identifiers(changes.change_statements_from_meta()) & names
    assert {"accounts_accountmapping", "imports_importrow", "imports_mappingchange", "previous_division"} <= used

    for model in _MODELS:
        monkeypatch.setattr(model._meta, "db_table", f"renamed_{model._meta.db_table}")
        for field in model._meta.concrete_fields:
            monkeypatch.setattr(field, "column", f"renamed_{field.column}")
    renamed = _identifiers(changes.change_statements_from_meta())

    assert renamed & names == set()
    assert {f"renamed_{name}" for name in used} <= renamed
