"""Entries are never changed or deleted: not from the admin, and on PostgreSQL not even with the app's
own SQL, except a delete of what is past CERT-In's 180 days, which the purge needs."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_entries_purge

pytestmark = pytest.mark.django_db


def _entry(age: timedelta = timedelta(0), **fields) -> AuditEntry:
    return AuditEntry.objects.create(action="sign_in", username="asha", occurred_at=timezone.now() - age, **fields)


def test_the_admin_offers_no_way_to_change_or_delete_an_entry(asha_client):
    entry = _entry()
    assert not admin.site.is_registered(AuditEntry)
    for url in (
        "/staff/audit/auditentry/",
        f"/staff/audit/auditentry/{entry.pk}/change/",
        f"/staff/audit/auditentry/{entry.pk}/delete/",
    ):
        assert asha_client.post(url, {"post": "yes", "action": "sign_out"}).status_code in (404, 405)
    entry.refresh_from_db()
    assert entry.action == "sign_in"


def test_only_the_view_permission_exists():
    assert list(Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True)) == [
        "view_auditentry"
    ]


def _sql(statement: str, entry: AuditEntry) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), [entry.pk])


@pytest.mark.postgres
def test_on_postgresql_the_apps_own_sql_cannot_change_an_entry():
    entry = _entry()
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE {table} SET action = 'sign_out' WHERE id = %s", entry)
    entry.refresh_from_db()
    assert entry.action == "sign_in"


@pytest.mark.postgres
def test_on_postgresql_the_apps_own_sql_cannot_delete_a_recent_entry():
    entry = _entry(age=timedelta(days=179))
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM {table} WHERE id = %s", entry)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_on_postgresql_an_entry_older_than_180_days_can_be_deleted():
    entry = _entry(age=timedelta(days=181))
    _sql("DELETE FROM {table} WHERE id = %s", entry)
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_on_postgresql_deleting_a_user_keeps_their_entries_and_nothing_else_changes(asha):
    entry = _entry(user=asha, address="203.0.113.7")
    User.objects.filter(pk=asha.pk).delete()
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.address) == (None, "asha", "203.0.113.7")
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE {table} SET user_id = NULL, username = 'someone' WHERE id = %s", entry)


def test_the_purge_deletes_only_what_is_past_the_retention_period(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    # The purge's clock is frozen by passing it; it is the real present, because on PostgreSQL the
    # trigger judges an entry's age by the database's own clock.
    now = timezone.now().replace(microsecond=0)
    old = AuditEntry.objects.create(action="sign_in", occurred_at=now - timedelta(days=365, seconds=1))
    kept = AuditEntry.objects.create(action="sign_in", occurred_at=now - timedelta(days=364))
    assert audit_entries_purge(now=now) == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert audit_entries_purge(now=now) == 0
    assert old.pk not in AuditEntry.objects.values_list("pk", flat=True)


@pytest.mark.postgres
def test_on_postgresql_the_purge_passes_the_trigger(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old = _entry(age=timedelta(days=367))
    recent = _entry(age=timedelta(days=200))
    assert audit_entries_purge() == 1
    assert list(AuditEntry.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]


def test_a_retention_below_180_days_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "-c", "import kesco_lookup.settings"],
        env={"AUDIT_RETENTION_DAYS": "179", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be at least 180" in result.stderr
