"""The pipeline on whatever database the run has (SQLite bare, PostgreSQL in CI): checks, apply, rollback."""

from __future__ import annotations

import csv
import io
import logging

import openpyxl
import pytest
from django.db import IntegrityError, connection
from django.utils import translation

from accounts.models import AccountMapping
from imports import services
from imports.models import ImportBatch, ImportRow, MappingChange
from imports.services import apply, checks, staging
from tests.imports.helpers import (
    batch_applied,
    batch_upload,
    batch_validated,
    csv_bytes,
    live_table,
    mapping_existing,
    runner_alive,
)

pytestmark = pytest.mark.django_db


def _reasons(batch: ImportBatch) -> dict[int, str]:
    return dict(ImportRow.objects.filter(batch_id=batch.pk).exclude(reason="").values_list("row_number", "reason"))


def _report_rows(batch: ImportBatch) -> list[list[str]]:
    with batch.error_report.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_refuses_both_rows_of_an_old_number_given_two_new_numbers() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,", "12345678,2640000002,,,", "12345679,2640000003,,,"))

    assert _reasons(batch) == {2: "conflicting_old", 3: "conflicting_old"}
    assert batch.refused_by_reason == {"conflicting_old": 2}
    assert batch.count_new == 1


def test_it_refuses_both_rows_of_a_new_number_given_to_two_old_numbers() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,", "12345679,2640000001,,,"))

    assert _reasons(batch) == {2: "conflicting_new", 3: "conflicting_new"}
    assert batch.count_new == 0


def test_it_refuses_a_new_number_already_held_by_a_different_old_number() -> None:
    mapping_existing("11111111", "2640000001")

    batch = batch_validated(csv_bytes("12345678,2640000001,,,", "12345679,2640000002,,,"))

    assert _reasons(batch) == {2: "new_number_taken"}
    assert (batch.count_new, batch.count_unchanged) == (1, 0)


@pytest.mark.parametrize(
    "second",
    [
        "12345678,2640000001,Shyam,North,9876543210",
        "12345678,2640000001,Ram,South,9876543210",
        "12345678,2640000001,Ram,North,9876541111",
    ],
)
def test_it_refuses_every_row_of_an_old_number_whose_rows_differ_in_any_detail(second: str) -> None:
    # Not an exact duplicate: the file does not say which details are right.
    batch = batch_validated(csv_bytes("12345678,2640000001,Ram,North,9876543210", second))

    assert _reasons(batch) == {2: "conflicting_old", 3: "conflicting_old"}
    assert (batch.count_new, batch.count_duplicates) == (0, 0)


def test_it_imports_exact_duplicates_once_and_counts_them() -> None:
    row = "12345678,2640000001,Ram,North,9876543210"

    batch = batch_applied(csv_bytes(row, row, row))

    assert (batch.count_new, batch.count_duplicates, batch.count_refused) == (1, 2, 0)
    assert AccountMapping.objects.count() == 1


def test_a_refused_row_never_stops_the_others_and_every_reason_is_reported() -> None:
    mapping_existing("11111111", "2640000009")
    batch = batch_applied(
        csv_bytes(
            "12345678,2640000001,Ram,North,9876543210",  # imported
            "1234567A,2640000002,,,",  # invalid_old
            "12345670,26400,,,",  # invalid_new
            "2.64E+07,2640000003,,,",  # scientific_notation
            "12345671.0,2640000004,,,",  # excel_number
            "12345672,2640000005,,,12345",  # invalid_mobile
            "12345673,2640000006,,,",  # conflicting_old
            "12345673,2640000007,,,",  # conflicting_old
            "12345674,2640000008,,,",  # conflicting_new
            "12345675,2640000008,,,",  # conflicting_new
            "12345676,2640000009,,,",  # new_number_taken
        )
    )

    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.refused_by_reason == {
        "invalid_old": 1,
        "invalid_new": 1,
        "scientific_notation": 1,
        "excel_number": 1,
        "invalid_mobile": 1,
        "conflicting_old": 2,
        "conflicting_new": 2,
        "new_number_taken": 1,
    }
    assert (batch.count_new, batch.count_refused) == (1, 10)
    assert set(AccountMapping.objects.values_list("old_account_number", flat=True)) == {"11111111", "12345678"}
    report = _report_rows(batch)
    assert [row[0] for row in report[1:]] == [str(n) for n in range(3, 13)]
    assert report[1][6] == "invalid_old"
    assert report[1][7].startswith("The old account number is not valid")


def test_the_error_report_neutralises_cells_that_excel_would_run_as_formulas() -> None:
    batch = batch_validated(
        csv_bytes(
            '=HYPERLINK("http://evil"),2640000001,@SUM(A1),-2+3,',
            '+12345678,2640000002,"\tname","\rdivision",',
        )
    )

    cells = [cell for row in _report_rows(batch)[1:] for cell in row[1:5]]
    assert cells == [
        '\'=HYPERLINK("http://evil")',
        "'2640000001",  # a number for Excel: kept as text the same way (see the next test)
        "'@SUM(A1)",
        "'-2+3",
        "'+12345678",
        "'2640000002",
        "'\tname",
        "'\rdivision",
    ]
    assert not any(cell[:1] in "=+-@\t\r" for cell in cells if cell)


@pytest.mark.parametrize(("stage", "step"), [("validate", "staging_mark"), ("apply", "apply_in_transaction")])
def test_a_batch_stopped_by_an_error_logs_its_kind_never_its_message(monkeypatch, caplog, stage, step) -> None:
    # Database errors quote the row they stopped at: "Key (new_account_number)=(...) already exists".
    def stopped(*args, **kwargs):
        raise IntegrityError("Key (new_account_number)=(2640000001) already exists.")

    batch = batch_upload(csv_bytes("12345678,2640000001,Ram,North,9876543210"))
    if stage == "apply":
        batch = services.import_batch_validate(batch_id=batch.pk)
    monkeypatch.setattr(checks if stage == "validate" else apply, step, stopped)

    with caplog.at_level(logging.INFO):
        if stage == "apply":
            services.import_batch_apply(batch_id=batch.pk)
        else:
            services.import_batch_validate(batch_id=batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.failure_code) == (ImportBatch.Status.FAILED, "internal")
    assert "IntegrityError" in caplog.text
    assert "2640000001" not in caplog.text
    assert not AccountMapping.objects.exists()


def test_the_preview_counts_new_changed_and_unchanged_without_touching_the_live_table() -> None:
    mapping_existing("12345678", "2640000001", name="Ram")
    mapping_existing("12345679", "2640000002", name="Sita")
    before = live_table()

    batch = batch_validated(
        csv_bytes("12345678,2640000001,Ram,,", "12345679,2640000003,Sita,,", "12345680,2640000004,Gita,,")
    )

    assert (batch.count_new, batch.count_changed, batch.count_unchanged) == (1, 1, 1)
    assert live_table() == before
    assert not MappingChange.objects.exists()


def test_applying_writes_new_and_changed_mappings_and_records_history() -> None:
    mapping_existing("12345678", "2640000001", name="Ram", division="North", mobile_last4="1111")

    batch = batch_applied(csv_bytes("12345678,2640000009,Ram Prasad,,9876543210", "12345680,2640000004,Gita,South,"))

    assert (batch.count_new, batch.count_changed, batch.count_unchanged) == (1, 1, 0)
    assert [row[:5] for row in live_table()] == [
        # An empty division cell keeps what the live table had.
        ("12345678", "2640000009", "Ram Prasad", "North", "3210"),
        ("12345680", "2640000004", "Gita", "South", ""),
    ]
    # History for the changed mapping only; the created one carries the batch's stamp.
    assert MappingChange.objects.filter(batch=batch).count() == 1
    assert AccountMapping.objects.filter(created_at=batch.rows_stamp, updated_at=batch.rows_stamp).count() == 1
    assert not ImportRow.objects.filter(batch_id=batch.pk).exists()


def test_reimporting_a_file_already_applied_changes_nothing_and_says_so() -> None:
    data = csv_bytes("12345678,2640000001,Ram,North,9876543210", "12345679,2640000002,Sita,South,")
    first = batch_applied(data)
    after_first = live_table()

    second = batch_applied(data)

    assert second.duplicate_of_id == first.pk
    assert (second.count_new, second.count_changed, second.count_unchanged) == (0, 0, 2)
    assert live_table() == after_first
    assert not MappingChange.objects.filter(batch=second).exists()


def test_blank_name_division_and_mobile_cells_erase_nothing_and_count_as_no_change() -> None:
    mapping_existing("12345678", "2640000001", name="Ram", division="North", mobile_last4="1111")
    before = live_table()

    batch = batch_applied(csv_bytes("12345678,2640000001,,,"))

    assert (batch.count_new, batch.count_changed, batch.count_unchanged) == (0, 0, 1)
    assert live_table() == before
    assert not MappingChange.objects.filter(batch=batch).exists()


def test_rollback_restores_exactly_what_was_there_before() -> None:
    mapping_existing("12345678", "2640000001", name="Ram", division="North", mobile_last4="1111")
    mapping_existing("12345679", "2640000002", name="Sita", division="South", mobile_last4="2222")
    before = live_table()
    batch = batch_applied(
        csv_bytes("12345678,2640000009,Ram Prasad,East,9876543210", "12345680,2640000004,Gita,South,")
    )
    assert live_table() != before

    rolled_back = services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert rolled_back.status == ImportBatch.Status.ROLLED_BACK
    assert live_table() == before  # values and updated_at, and the created mapping is gone


def test_rollback_is_refused_when_a_later_batch_changed_the_same_mapping() -> None:
    first = batch_applied(csv_bytes("12345678,2640000001,Ram,,"))
    batch_applied(csv_bytes("12345678,2640000002,Ram,,"))
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="changed since"):
        services.import_batch_rollback(batch_id=first.pk, user=None)

    assert live_table() == before
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.APPLIED


def test_rollback_of_a_batch_applied_before_rows_were_stamped_says_so_and_changes_nothing() -> None:
    batch = batch_applied(csv_bytes("12345678,2640000001,Ram,,"))
    ImportBatch.objects.filter(pk=batch.pk).update(rows_stamp=None)  # as migration 0004 left older batches
    before = live_table()

    with translation.override("hi"), pytest.raises(services.ImportActionRefused, match="पुराने संस्करण"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert live_table() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_rollback_is_refused_when_a_mapping_the_batch_created_was_edited_by_hand_since() -> None:
    batch = batch_applied(csv_bytes("12345678,2640000001,Ram,,", "12345679,2640000002,Sita,,"))
    edited = AccountMapping.objects.get(old_account_number="12345679")
    edited.consumer_name = "Sita Devi"
    edited.save()  # the admin's way: updated_at moves on
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="1 mappings"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert live_table() == before


def test_rollback_is_refused_when_a_mapping_the_batch_changed_was_edited_by_hand_and_changed_back() -> None:
    # The values match the batch's again, but a person wrote them after it: undoing would overwrite that.
    mapping_existing("12345678", "2640000001", name="Ram")
    batch = batch_applied(csv_bytes("12345678,2640000009,Ram,,"))
    edited = AccountMapping.objects.get(old_account_number="12345678")
    edited.new_account_number = "2640000008"
    edited.save()
    edited.new_account_number = "2640000009"
    edited.save()
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="1 mappings"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert live_table() == before


def test_rollback_is_refused_when_a_mapping_the_batch_changed_was_deleted_since() -> None:
    mapping_existing("12345678", "2640000001", name="Ram")
    mapping_existing("12345679", "2640000002", name="Sita")
    batch = batch_applied(csv_bytes("12345678,2640000009,Ram,,", "12345679,2640000008,Sita,,"))
    AccountMapping.objects.filter(old_account_number="12345679").delete()
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="1 mappings"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert live_table() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_rollback_is_refused_when_a_mapping_the_batch_created_was_deleted_since() -> None:
    batch = batch_applied(csv_bytes("12345678,2640000001,Ram,,", "12345679,2640000002,Sita,,"))
    AccountMapping.objects.filter(old_account_number="12345679").delete()
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="changed since"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert live_table() == before


def test_rollback_deletes_only_what_the_batch_created_not_a_mapping_added_by_hand_after_it() -> None:
    batch = batch_applied(csv_bytes("12345678,2640000001,Ram,,"))
    mapping_existing("12345679", "2640000002", name="By hand")

    services.import_batch_rollback(batch_id=batch.pk, user=None)

    assert [row[:3] for row in live_table()] == [("12345679", "2640000002", "By hand")]


def test_a_batch_rolled_back_once_cannot_be_rolled_back_again() -> None:
    batch = batch_applied(csv_bytes("12345678,2640000001,Ram,,"))
    services.import_batch_rollback(batch_id=batch.pk, user=None)
    batch.refresh_from_db()
    rolled_back_at = batch.rolled_back_at

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="Only an applied batch"):
        services.import_batch_rollback(batch_id=batch.pk, user=None)

    batch.refresh_from_db()
    assert (batch.status, batch.rolled_back_at) == (ImportBatch.Status.ROLLED_BACK, rolled_back_at)


def test_batches_roll_back_in_reverse_order_to_exactly_the_state_before_both() -> None:
    mapping_existing("12345670", "2640000000", name="Before", division="North", mobile_last4="1111")
    before = live_table()
    first = batch_applied(csv_bytes("12345670,2640000009,Changed once,,", "12345678,2640000001,Ram,,"))
    second = batch_applied(csv_bytes("12345670,2640000008,Changed twice,,", "12345678,2640000002,Ram Prasad,,"))
    assert (second.count_new, second.count_changed) == (0, 2)

    services.import_batch_rollback(batch_id=second.pk, user=None)
    services.import_batch_rollback(batch_id=first.pk, user=None)

    assert live_table() == before


def test_rollback_is_refused_when_a_released_number_now_belongs_to_another_account() -> None:
    mapping_existing("12345678", "2640000001")
    first = batch_applied(csv_bytes("12345678,2640000002,,,"))
    batch_applied(csv_bytes("12345679,2640000001,,,"))  # the number first released, given to someone else
    before = live_table()

    with translation.override("en"), pytest.raises(services.ImportActionRefused, match="belong to other accounts"):
        services.import_batch_rollback(batch_id=first.pk, user=None)

    assert live_table() == before


def test_applying_twice_applies_once() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,"))

    services.import_batch_apply(batch_id=batch.pk)
    again = services.import_batch_apply(batch_id=batch.pk)

    assert again.status == ImportBatch.Status.APPLIED
    assert again.count_new == 1
    assert AccountMapping.objects.count() == 1


def test_a_number_taken_between_validation_and_apply_is_refused_at_apply_and_the_rest_applied() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,", "12345679,2640000002,,,"))
    mapping_existing("11111111", "2640000001")  # by hand, meanwhile

    applied = services.import_batch_apply(batch_id=batch.pk)

    assert applied.status == ImportBatch.Status.APPLIED
    assert (applied.count_new, applied.refused_by_reason) == (1, {"new_number_taken": 1})
    assert AccountMapping.objects.get(new_account_number="2640000001").old_account_number == "11111111"
    assert _report_rows(applied)[1][6] == "new_number_taken"


def test_apply_when_valid_applies_right_after_the_check() -> None:
    batch = batch_upload(csv_bytes("12345678,2640000001,,,"), apply_when_valid=True)

    batch = services.import_batch_validate(batch_id=batch.pk)

    assert batch.status == ImportBatch.Status.APPLIED
    assert AccountMapping.objects.filter(old_account_number="12345678").exists()


def test_a_batch_left_applying_by_a_dead_worker_is_marked_failed_and_can_run_again(django_user_model) -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,"))
    # What a worker killed mid-apply leaves behind: the status it set, and no lock held by anyone.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)

    assert services.import_batches_fail_abandoned() == 1

    batch.refresh_from_db()
    assert (batch.status, batch.failure_code, batch.failed_stage) == ("failed", "worker_lost", "apply")
    assert not AccountMapping.objects.exists()
    user = django_user_model.objects.create_user(username="operator", password="a-long-test-password")
    services.import_batch_retry(batch_id=batch.pk, user=user)
    services.import_batch_apply(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert AccountMapping.objects.filter(old_account_number="12345678").exists()


def test_celery_beat_marks_batches_left_running_by_a_dead_worker_failed_every_minute(settings) -> None:
    from kesco_lookup.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["imports-batches-fail-abandoned"]
    assert entry["schedule"] == 60
    dead, alive = (
        batch_validated(csv_bytes("12345678,2640000001,,,")),
        batch_validated(csv_bytes("22345678,2640000011,,,")),
    )
    ImportBatch.objects.filter(pk__in=[dead.pk, alive.pk]).update(status=ImportBatch.Status.VALIDATING)

    with runner_alive(alive.pk):
        app.tasks[entry["task"]].apply(args=[])  # exactly what beat sends: no arguments

    dead.refresh_from_db()
    assert (dead.status, dead.failure_code, dead.failed_stage) == ("failed", "worker_lost", "validate")
    assert ImportBatch.objects.get(pk=alive.pk).status == ImportBatch.Status.VALIDATING


def test_a_redelivered_apply_task_finds_its_dead_predecessor_and_fails_the_batch() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)

    after = services.import_batch_apply(batch_id=batch.pk)

    assert (after.status, after.failure_code) == ("failed", "worker_lost")
    assert not AccountMapping.objects.exists()


def test_a_running_batch_whose_worker_holds_its_lock_is_not_marked_failed() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)

    with runner_alive(batch.pk):
        marked = services.import_batches_fail_abandoned()
        redelivered = services.import_batch_apply(batch_id=batch.pk)

    assert marked == 0
    assert redelivered.status == ImportBatch.Status.APPLYING  # the second delivery left it alone
    assert not AccountMapping.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_loads_staging_on_sqlite_in_one_transaction_per_chunk(monkeypatch) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL loads staging with COPY, one statement per chunk")
    monkeypatch.setattr(staging, "CHUNK_ROWS", 2)
    in_transaction: list[bool] = []

    def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith("INSERT INTO imports_importrow"):
            in_transaction.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        batch = batch_validated(csv_bytes(*(f"1234567{n},264000000{n},,," for n in range(5))))

    assert batch.rows_read == 5
    # Three chunks (2 + 2 + 1 rows), each inserted inside a transaction rather than row by row in autocommit.
    assert in_transaction == [True, True, True]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_error_report_header_is_in_english_and_hindi_whatever_the_language_of_the_request(language) -> None:
    with translation.override(language):
        batch = batch_validated(csv_bytes("1234567A,2640000001,,,"))

    header = _report_rows(batch)[0]
    assert header[:2] == ["row / पंक्ति", "old account number / पुरानी खाता संख्या"]
    assert header[5] == "mobile (last 4 digits) / मोबाइल (अंतिम 4 अंक)"


def test_it_imports_a_short_old_number_but_warns_that_excel_may_have_dropped_its_leading_zeros() -> None:
    # 123457 may be a real 6-digit legacy number, or 00123457 after Excel: imported, counted, listed.
    batch = batch_validated(
        csv_bytes("123457,2100123457,Zero Lost,,", "12345678,2640000001,Ram,,", "1234,2100001234,,,")
    )

    assert (batch.count_new, batch.refused_by_reason) == (2, {"invalid_old": 1})
    assert batch.notes == {"short_old_numbers": 1}
    report = _report_rows(batch)
    assert report[0][9] == "outcome / परिणाम"
    assert [(row[0], row[6], row[9]) for row in report[1:]] == [
        ("2", "short_old_number", "imported, check it / आयात होगी, जाँच लें"),
        ("4", "invalid_old", "refused / अस्वीकृत"),
    ]
    assert report[1][7].startswith("The old account number is shorter than the usual 8 digits")

    applied = services.import_batch_apply(batch_id=batch.pk)

    assert AccountMapping.objects.filter(old_account_number="123457").exists()
    assert applied.notes == {"short_old_numbers": 1}


def test_the_error_report_keeps_what_excel_would_turn_into_numbers_as_text() -> None:
    # Both rows refused (one new number for two old numbers); as numbers, Excel would show both old
    # numbers as 30000107, the mobile's last four as 102, and read 3.00001E+07 as 30000100.
    batch = batch_validated(csv_bytes("00030000107,2640000107,,,9876540102", "30000107,2640000107,Ram,3.00001E+07,"))

    rows = _report_rows(batch)[1:]
    assert [(row[0], row[1], row[2], row[4], row[5]) for row in rows] == [
        ("2", "'00030000107", "'2640000107", "", "'0102"),
        ("3", "'30000107", "'2640000107", "'3.00001E+07", ""),
    ]
    assert rows[1][3] == "Ram"  # text Excel keeps as it is gets no apostrophe


def test_the_error_report_as_a_workbook_has_every_cell_as_text_without_apostrophes() -> None:
    batch = batch_validated(
        csv_bytes(
            "00030000107,2640000107,,,9876540102",
            "30000107,2640000107,Ram,3.00001E+07,",
            "'quoted,2640000108,=cmd(),,",
        )
    )

    workbook = openpyxl.load_workbook(services.import_batch_report_xlsx(batch=batch), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows())

    assert [cell.value for cell in rows[1][:6]] == [2, "00030000107", "2640000107", None, None, "0102"]
    assert [cell.value for cell in rows[2][:5]] == [3, "30000107", "2640000107", "Ram", "3.00001E+07"]
    assert [cell.value for cell in rows[3][:4]] == [4, "'quoted", "2640000108", "'=cmd()"]
    assert {cell.data_type for row in rows[1:] for cell in row[1:] if cell.value is not None} == {"s"}


def test_it_refuses_an_old_number_equal_to_the_new_number_of_the_same_row() -> None:
    batch = batch_validated(csv_bytes("2640000001,2640000001,,,", "12345678,2640000002,,,"))

    assert _reasons(batch) == {2: "old_is_a_new_number"}
    assert batch.count_new == 1


def test_it_refuses_an_old_number_that_is_a_live_new_number_and_a_new_number_that_is_a_live_old_number() -> None:
    mapping_existing("11111111", "2640000009")
    mapping_existing("2640000005", "2640000099")  # a 10-digit legacy old number

    batch = batch_validated(csv_bytes("2640000009,2640000010,,,", "12345678,2640000005,,,", "12345679,2640000011,,,"))

    assert _reasons(batch) == {2: "old_is_a_new_number", 3: "new_is_an_old_number"}
    assert batch.count_new == 1


def test_it_refuses_both_rows_when_one_rows_old_number_is_another_rows_new_number() -> None:
    batch = batch_validated(csv_bytes("12345678,2640000001,,,", "2640000001,2640000002,,,", "12345679,2640000003,,,"))

    assert _reasons(batch) == {2: "new_is_an_old_number", 3: "old_is_a_new_number"}
    assert batch.refused_by_reason == {"new_is_an_old_number": 1, "old_is_a_new_number": 1}


def test_an_old_number_made_a_new_number_between_validation_and_apply_is_refused_at_apply() -> None:
    batch = batch_validated(csv_bytes("2640000009,2640000010,,,", "12345678,2640000002,,,"))
    mapping_existing("11111111", "2640000009")  # by hand, meanwhile

    applied = services.import_batch_apply(batch_id=batch.pk)

    assert (applied.status, applied.count_new) == (ImportBatch.Status.APPLIED, 1)
    assert applied.refused_by_reason == {"old_is_a_new_number": 1}
    assert not AccountMapping.objects.filter(old_account_number="2640000009").exists()
    # Every number is an old number or a new number, never both: the lookup finds one account.
    olds = set(AccountMapping.objects.values_list("old_account_number", flat=True))
    assert not olds & set(AccountMapping.objects.values_list("new_account_number", flat=True))


def test_a_file_swapping_two_new_numbers_is_refused_on_both_rows_as_documented() -> None:
    # A design limit (docs/imports.md, "swapping two new numbers"): pinned so that the docs stay true.
    mapping_existing("10000001", "2100000001")
    mapping_existing("10000002", "2100000002")
    before = live_table()

    batch = batch_applied(csv_bytes("10000001,2100000002,,,", "10000002,2100000001,,,"))

    assert batch.refused_by_reason == {"new_number_taken": 2}
    assert live_table() == before


def test_it_refuses_an_old_number_equal_to_a_live_new_number_of_unusual_length_typed_in_the_admin() -> None:
    # The admin does not hold new numbers to 10 digits: the check must not assume they are.
    mapping_existing("11111111", "22345678")

    batch = batch_validated(csv_bytes("22345678,2640000010,,,", "12345679,2640000011,,,"))

    assert _reasons(batch) == {2: "old_is_a_new_number"}
