"""Builders for import tests: files made in memory, batches run through the real services."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
from django.core.files.base import ContentFile
from django.db import connection

from accounts.models import AccountMapping
from imports import locks, services
from imports.models import ImportBatch
from tests.helpers import make_mapping

HEADER = "old_account_number,new_account_number,consumer_name,division,mobile"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return newline.join([header, *lines, ""]).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def batch_upload(data: bytes, *, name: str = "mapping.csv", apply_when_valid: bool = False) -> ImportBatch:
    return services.import_batch_create(
        uploaded_file=ContentFile(data, name=name),
        original_name=name,
        user=None,
        apply_when_valid=apply_when_valid,
        queued=False,
    )


def batch_validated(data: bytes, *, name: str = "mapping.csv") -> ImportBatch:
    batch = batch_upload(data, name=name)
    return services.import_batch_validate(batch_id=batch.pk)


def batch_applied(data: bytes, *, name: str = "mapping.csv") -> ImportBatch:
    batch = batch_validated(data, name=name)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.failure_code
    return services.import_batch_apply(batch_id=batch.pk)


def mapping_existing(
    old: str, new: str, *, name: str = "", division: str = "", mobile_last4: str = ""
) -> AccountMapping:
    """A mapping already live before the import, blank where the test does not say."""
    return make_mapping(old, new, name=name, division=division, mobile_last4=mobile_last4)


def live_table() -> list[tuple]:
    return list(
        AccountMapping.objects.order_by("old_account_number").values_list(
            "old_account_number", "new_account_number", "consumer_name", "division", "mobile_last4", "updated_at"
        )
    )


@contextmanager
def runner_alive(batch_id: int) -> Iterator[None]:
    """Hold a batch's runner lock as a live worker would: from another session on PostgreSQL."""
    if connection.vendor != "postgresql":
        with locks.runner_lock(batch_id) as acquired:
            assert acquired
            yield
        return
    import psycopg2

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [locks.LOCK_NAMESPACE, batch_id])
        yield
    finally:
        other.close()
