"""Data minimisation: the files of ended batches are deleted after the retention period, the rest stays."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccountMapping
from imports import queueing, selectors, services
from imports.models import ImportBatch, ImportRow, MappingChange
from imports.reasons import file_error_message
from imports.services.status import batch_fail
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import batch_applied, batch_upload, batch_validated, csv_bytes, live_table, runner_alive

pytestmark = pytest.mark.django_db

# One good row, one refused row: the batch has an upload and an error report.
DATA = csv_bytes("12345678,2640000001,Ram Kumar,North,9876543210", "1234567A,2640000002,Sita Devi,,")


def _purge(*args: str) -> str:
    out = io.StringIO()
    call_command("imports_purge_files", *args, stdout=out)
    return out.getvalue()


def _days_ago(days: int):  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(days=days)


def _stored_paths(batch: ImportBatch) -> list[Path]:
    return [Path(field.path) for field in (batch.file, batch.error_report) if field]


def _applied_days_ago(days: int, data: bytes = DATA) -> ImportBatch:
    batch = batch_applied(data)
    ImportBatch.objects.filter(pk=batch.pk).update(applied_at=_days_ago(days))
    return ImportBatch.objects.get(pk=batch.pk)


def _failed_during_apply_days_ago(days: int) -> ImportBatch:
    """A validated batch whose apply failed: its staging rows are still there for a re-run."""
    batch = batch_validated(DATA)
    batch_fail(
        batch.pk,
        expected=ImportBatch.Status.VALIDATED,
        code=ImportBatch.FailureCode.INTERNAL,
        stage=ImportBatch.Stage.APPLY,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(failed_at=_days_ago(days))
    return ImportBatch.objects.get(pk=batch.pk)


def test_it_deletes_the_upload_and_error_report_of_a_batch_applied_longer_ago_than_the_retention(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    AccountMapping.objects.create(old_account_number="12345678", new_account_number="2640000099")
    batch = _applied_days_ago(31)  # changes that mapping: one history row
    paths = _stored_paths(batch)
    assert len(paths) == 2 and all(path.exists() for path in paths)
    history_before = MappingChange.objects.filter(batch=batch).count()

    output = _purge()

    assert "Deleted the files of 1 batches" in output and "2 files" in output
    assert not any(path.exists() for path in paths)
    batch.refresh_from_db()
    assert not batch.file and not batch.error_report
    assert batch.files_deleted_at is not None
    # What must stay: the row, its counts, its fingerprint, its history.
    assert (batch.status, batch.rows_read, batch.count_changed, batch.count_refused) == ("applied", 2, 1, 1)
    assert len(batch.sha256) == 64
    assert batch.rows_stamp is not None
    assert MappingChange.objects.filter(batch=batch).count() == history_before == 1


def test_it_keeps_the_files_of_recent_validated_queued_and_running_batches(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    recent = _applied_days_ago(29)
    old_validated = batch_validated(csv_bytes("22345678,2640000011,,,"))
    old_queued = batch_upload(csv_bytes("32345678,2640000021,,,"))
    ImportBatch.objects.filter(pk__in=[old_validated.pk, old_queued.pk]).update(created_at=_days_ago(365))
    paths = [path for batch in (recent, old_validated, old_queued) for path in _stored_paths(batch)]

    output = _purge()

    assert "Deleted the files of 0 batches" in output
    assert all(path.exists() for path in paths)
    assert not ImportBatch.objects.filter(files_deleted_at__isnull=False).exists()


def _validated_days_ago(days: int) -> ImportBatch:
    batch = batch_validated(DATA)
    ImportBatch.objects.filter(pk=batch.pk).update(validated_at=_days_ago(days))
    return ImportBatch.objects.get(pk=batch.pk)


def test_a_batch_validated_long_ago_and_never_applied_expires_with_its_files_and_checked_rows(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    before = live_table()
    batch = _validated_days_ago(31)
    paths = _stored_paths(batch)
    assert len(paths) == 2 and ImportRow.objects.filter(batch_id=batch.pk).exists()

    output = _purge()

    assert "Deleted the files of 1 batches" in output and "2 files, 2 staging rows" in output
    assert not any(path.exists() for path in paths)
    batch.refresh_from_db()
    assert (batch.status, batch.failure_code, batch.failed_stage) == ("failed", "expired", "validate")
    assert batch.files_deleted_at is not None and not batch.file
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    assert live_table() == before
    # Nothing is left to apply, and running it again asks for the file.
    assert services.import_batch_apply(batch_id=batch.pk).status == ImportBatch.Status.FAILED
    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="Upload the file again"):
        services.import_batch_retry(batch_id=batch.pk, user=staff_user("operator", can_import=True))
    with translation.override("en"):
        assert "not applied within the retention period" in file_error_message(batch.failure_code)


def test_a_validated_batch_whose_apply_was_asked_for_recently_or_is_running_is_not_expired(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    asked = _validated_days_ago(31)
    ImportBatch.objects.filter(pk=asked.pk).update(apply_requested_at=_days_ago(1))
    running = _validated_days_ago(31)

    with runner_alive(running.pk):
        output = _purge()

    assert "Deleted the files of 0 batches" in output
    for batch in (asked, running):
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.VALIDATED
        assert batch.files_deleted_at is None
        assert ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_a_dry_run_counts_what_it_would_delete_and_deletes_nothing(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    batch = _applied_days_ago(40)
    paths = _stored_paths(batch)

    output = _purge("--dry-run")

    assert "Would delete the files of 1 batches" in output and "2 files" in output
    assert "Dry run: nothing deleted." in output
    assert all(path.exists() for path in paths)
    batch.refresh_from_db()
    assert batch.file and batch.files_deleted_at is None


def test_the_days_option_overrides_the_setting_and_zero_is_refused(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    batch = _applied_days_ago(8)

    with pytest.raises(CommandError, match="at least 1"):
        _purge("--days", "0")
    assert all(path.exists() for path in _stored_paths(batch))

    output = _purge("--days", "7")

    assert "1 batches that ended more than 7 days ago" in output
    batch.refresh_from_db()
    assert batch.files_deleted_at is not None


def test_an_applied_batch_can_still_be_rolled_back_after_its_files_are_deleted() -> None:
    mapping_before = AccountMapping.objects.create(
        old_account_number="12345678", new_account_number="2640000099", consumer_name="Old Name"
    )
    before = live_table()
    batch = _applied_days_ago(31)
    assert live_table() != before

    _purge()
    services.import_batch_rollback(batch_id=batch.pk, user=None)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert live_table() == before
    assert AccountMapping.objects.get().pk == mapping_before.pk


def test_a_purged_failed_batch_loses_its_staging_rows_and_cannot_be_run_again(
    django_user_model, django_capture_on_commit_callbacks
) -> None:
    batch = _failed_during_apply_days_ago(31)
    assert ImportRow.objects.filter(batch_id=batch.pk).count() == 2

    output = _purge()

    assert "2 staging rows" in output
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()
    operator = Client()
    sign_in(operator, staff_user("operator", can_import=True))
    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert page.status_code == 200
    assert reverse("admin:imports_importbatch_retry", args=[batch.pk]).encode() not in page.content
    user = django_user_model.objects.create_user("someone")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ImportActionRefused, match="deleted"),
        translation.override("en"),
    ):
        services.import_batch_retry(batch_id=batch.pk, user=user)
    with django_capture_on_commit_callbacks(execute=True) as posted_callbacks:
        operator.post(reverse("admin:imports_importbatch_retry", args=[batch.pk]))
    assert callbacks == posted_callbacks == []  # nothing queued
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not AccountMapping.objects.exists()


def test_a_recently_failed_batch_keeps_its_file_and_can_be_run_again(django_capture_on_commit_callbacks) -> None:
    batch = _failed_during_apply_days_ago(3)

    _purge()

    batch.refresh_from_db()
    assert batch.file and batch.files_deleted_at is None
    assert ImportRow.objects.filter(batch_id=batch.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        # Tasks run in-process in these tests.
        queueing.import_batch_queue(batch=services.import_batch_retry(batch_id=batch.pk, user=None))

    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED


def test_the_batch_page_says_the_file_was_deleted_and_the_report_link_is_gone(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    batch = _applied_days_ago(31)
    _purge()
    operator = Client()
    sign_in(operator, staff_user("operator", can_import=True))
    operator.cookies["django_language"] = "en"

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    report = operator.get(reverse("admin:imports_importbatch_report", args=[batch.pk]))

    assert page.status_code == 200
    assert "File deleted after 31 days" in page.context["files_deleted_note"]
    assert b"File deleted after 31 days" in page.content
    assert reverse("admin:imports_importbatch_report", args=[batch.pk]).encode() not in page.content
    assert report.status_code == 404


def test_the_batch_page_still_counts_from_the_apply_after_a_later_rollback(settings) -> None:
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    batch = _applied_days_ago(45)
    _purge()
    services.import_batch_rollback(batch_id=batch.pk, user=None)
    batch.refresh_from_db()

    with translation.override("en"):
        note = selectors.batch_files_deleted_note(batch=batch)

    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert note.startswith("File deleted after 45 days")


def test_the_report_download_answers_404_when_the_file_vanished_from_storage() -> None:
    operator = Client()
    sign_in(operator, staff_user("operator", can_import=True))
    batch = batch_validated(DATA)
    Path(batch.error_report.path).unlink()

    response = operator.get(reverse("admin:imports_importbatch_report", args=[batch.pk]))

    assert response.status_code == 404


def test_deleting_a_batch_deletes_its_files_once_the_delete_is_committed(django_capture_on_commit_callbacks) -> None:
    batch = batch_validated(DATA)
    paths = _stored_paths(batch)
    assert len(paths) == 2

    with django_capture_on_commit_callbacks(execute=True):
        ImportBatch.objects.filter(pk=batch.pk).delete()

    assert not any(path.exists() for path in paths)
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_a_batch_delete_that_is_rolled_back_keeps_the_files(django_capture_on_commit_callbacks) -> None:
    batch = batch_validated(DATA)
    batch_id = batch.pk
    paths = _stored_paths(batch)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            batch.delete()
            raise RuntimeError("the delete is undone")

    assert callbacks == []
    assert all(path.exists() for path in paths)
    assert ImportBatch.objects.filter(pk=batch_id).exists()


def test_celery_beat_runs_the_purge_daily_through_a_registered_task(settings) -> None:
    from kesco_lookup.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["imports-files-purge"]
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    old = _applied_days_ago(31)
    recent = _applied_days_ago(2)

    app.tasks[entry["task"]].apply(args=[])  # exactly what beat sends: no arguments

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.files_deleted_at is not None
    assert recent.files_deleted_at is None


def test_the_purge_deletes_the_lock_files_of_purged_and_deleted_batches_only(settings) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's runner locks are advisory locks: no files")
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    purged = _applied_days_ago(31)
    recent = _applied_days_ago(29)
    lock_dir = Path(settings.MEDIA_ROOT) / "imports" / "locks"
    (lock_dir / "9999.lock").touch()  # a batch deleted since
    assert {path.name for path in lock_dir.iterdir()} == {f"{purged.pk}.lock", f"{recent.pk}.lock", "9999.lock"}

    _purge()

    # A batch whose files are kept could still run (Run again after a failure): its lock file stays.
    assert {path.name for path in lock_dir.iterdir()} == {f"{recent.pk}.lock"}
