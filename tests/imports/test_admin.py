"""Staff pages: only holders of accounts.import_mapping upload, preview, apply, download and poll progress."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import AccountMapping
from imports import services
from imports.models import ImportBatch
from imports.reasons import file_error_message
from imports.services.progress import progress_report
from imports.services.status import batch_fail
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import batch_upload, batch_validated, csv_bytes, runner_alive

pytestmark = pytest.mark.django_db

DATA = csv_bytes("12345678,2640000001,Ram,North,9876543210", "1234567A,2640000002,,,")


def _client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _upload(client: Client, data: bytes = DATA, *, name: str = "mapping.csv", apply_when_valid: bool = False):
    return client.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile(name, data), "apply_when_valid": "on" if apply_when_valid else ""},
    )


def test_staff_without_the_import_permission_can_do_nothing(client: Client) -> None:
    clerk = _client_for(staff_user("clerk", can_import=False))
    batch = batch_validated(DATA)

    responses = [
        clerk.get(reverse("admin:imports_importbatch_changelist")),
        clerk.get(reverse("admin:imports_importbatch_add")),
        _upload(clerk),
        clerk.get(reverse("admin:imports_importbatch_change", args=[batch.pk])),
        clerk.get(reverse("admin:imports_importbatch_progress", args=[batch.pk])),
        clerk.get(reverse("admin:imports_importbatch_report", args=[batch.pk])),
        clerk.get(reverse("admin:imports_importbatch_report_xlsx", args=[batch.pk])),
        clerk.post(reverse("admin:imports_importbatch_apply", args=[batch.pk])),
        clerk.get(reverse("admin:imports_importbatch_apply", args=[batch.pk])),
        clerk.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]), {"confirmed": "1"}),
        clerk.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch.pk])),
        clerk.get(reverse("admin:imports_importbatch_changes_csv", args=[batch.pk])),
    ]

    assert [response.status_code for response in responses] == [403] * len(responses)
    assert ImportBatch.objects.count() == 1
    assert not AccountMapping.objects.exists()


def test_not_even_an_operator_can_delete_a_batch_whose_history_a_rollback_needs() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_validated(DATA)

    page = operator.get(reverse("admin:imports_importbatch_delete", args=[batch.pk]))
    posted = operator.post(reverse("admin:imports_importbatch_delete", args=[batch.pk]), {"post": "yes"})
    bulk = operator.post(
        reverse("admin:imports_importbatch_changelist"),
        {"action": "delete_selected", "_selected_action": [batch.pk], "post": "yes"},
    )

    assert (page.status_code, posted.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)
    assert ImportBatch.objects.filter(pk=batch.pk).exists()


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(client: Client) -> None:
    batch = batch_validated(DATA)

    response = client.get(reverse("admin:imports_importbatch_progress", args=[batch.pk]))

    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_an_operator_uploads_sees_the_preview_and_applies(django_capture_on_commit_callbacks) -> None:
    operator = _client_for(staff_user("operator", can_import=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(operator)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == ImportBatch.Status.VALIDATED
    assert batch.uploaded_by.username == "operator"
    assert not AccountMapping.objects.exists()

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert page.status_code == 200
    assert page.context["batch"].count_new == 1
    assert [code for code, _text, _count in page.context["refusals"]] == ["invalid_old"]
    assert reverse("admin:imports_importbatch_apply", args=[batch.pk]).encode() in page.content

    # Apply asks first: the batch page's button leads to a confirmation page, whose button applies.
    confirmation = operator.get(reverse("admin:imports_importbatch_apply", args=[batch.pk]))
    assert confirmation.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]), {"confirmed": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert AccountMapping.objects.filter(old_account_number="12345678", new_account_number="2640000001").exists()


def test_the_same_file_uploaded_twice_is_flagged(django_capture_on_commit_callbacks) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(operator, apply_when_valid=True)
        response = _upload(operator)

    first, second = ImportBatch.objects.order_by("pk")
    assert second.duplicate_of_id == first.pk
    assert second.sha256 == first.sha256
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any(f"#{first.pk}" in message for message in messages)


def test_the_upload_form_refuses_a_file_type_it_cannot_read() -> None:
    operator = _client_for(staff_user("operator", can_import=True))

    response = _upload(operator, b"%PDF", name="mapping.pdf")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_the_error_report_downloads_as_csv_for_operators_only() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_validated(DATA)

    response = operator.get(reverse("admin:imports_importbatch_report", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "1234567A" in body and "invalid_old" in body
    assert "12345678," not in body  # only refused rows are in the report


def test_the_progress_endpoint_reports_rows_done_rate_and_time_left_while_running() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_upload(DATA)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALIDATING)
    progress_report(batch.pk, phase="validating", done=250, total=1000, started=time.time() - 5)

    with runner_alive(batch.pk):
        data = operator.get(reverse("admin:imports_importbatch_progress", args=[batch.pk])).json()
        page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    assert data["running"] is True
    assert (data["done"], data["total"], data["percent"]) == (250, 1000, 25)
    assert 40 <= data["rows_per_second"] <= 50
    assert 10 <= data["seconds_left"] <= 20
    assert "12345678" not in str(data)
    # Without JavaScript the page refreshes itself; with it, the script polls the endpoint.
    assert b'http-equiv="refresh"' in page.content
    assert b"imports/progress.js" in page.content


def test_the_progress_endpoint_says_finished_when_the_batch_is_done() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_validated(DATA)

    data = operator.get(reverse("admin:imports_importbatch_progress", args=[batch.pk])).json()
    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    assert (data["running"], data["status"]) == (False, "validated")
    assert b'http-equiv="refresh"' not in page.content


def test_the_batch_page_and_its_progress_endpoint_write_nothing_not_even_for_a_dead_worker() -> None:
    # The endpoint is polled every second: a GET that wrote would write once a second per open page.
    operator = _client_for(staff_user("operator", can_import=True))
    alive, dead = batch_validated(DATA), batch_validated(csv_bytes("22345678,2640000011,,,"))
    ImportBatch.objects.filter(pk__in=[alive.pk, dead.pk]).update(status=ImportBatch.Status.APPLYING)

    with runner_alive(alive.pk), CaptureQueriesContext(connection) as captured:
        shown = {
            batch.pk: operator.get(reverse("admin:imports_importbatch_progress", args=[batch.pk])).json()
            for batch in (alive, dead)
        }
        pages = [operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk])) for batch in (alive, dead)]

    statements = [query["sql"].lstrip().split(None, 1)[0].upper() for query in captured]
    assert [page.status_code for page in pages] == [200, 200]
    assert not {"UPDATE", "INSERT", "DELETE"} & set(statements)
    assert not any("advisory_lock" in query["sql"] for query in captured)  # a lock taken could turn a worker away
    assert (shown[alive.pk]["running"], shown[alive.pk]["status"]) == (True, "applying")
    assert (shown[dead.pk]["running"], shown[dead.pk]["status"]) == (False, "failed")
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {"applying"}


def test_a_batch_whose_worker_died_shows_failed_at_once_and_runs_again(django_capture_on_commit_callbacks) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    batch = batch_validated(DATA)
    # What a worker killed mid-apply leaves: the status it set, and nobody holding the batch's lock.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("admin:imports_importbatch_retry", args=[batch.pk]))

    assert page.context["batch"].status == ImportBatch.Status.FAILED
    with translation.override("en"):
        assert page.context["failure_message"] == file_error_message("worker_lost")
    assert reverse("admin:imports_importbatch_retry", args=[batch.pk]).encode() in page.content
    assert b'http-equiv="refresh"' not in page.content
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert AccountMapping.objects.filter(old_account_number="12345678").exists()


def test_rolling_back_from_the_admin_restores_the_table() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_validated(DATA)
    services.import_batch_apply(batch_id=batch.pk)

    # Through its confirmation page's button, which sends confirmed=1.
    response = operator.post(reverse("admin:imports_importbatch_rollback", args=[batch.pk]), {"confirmed": "1"})

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert not AccountMapping.objects.exists()


def test_the_preview_says_how_the_file_was_read_and_what_to_check() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Panki"
    for row in (["old_account_number", "new_account_number"], ["50000401", "3050000401"], ["50000402", "3050000402"]):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = batch_validated(buffer.getvalue(), name="mapping.xlsx")
    csv_batch = batch_validated(csv_bytes("12345678;2640000001", header="old account no;new account no"))

    xlsx_page = operator.get(reverse("admin:imports_importbatch_change", args=[xlsx.pk])).content.decode()
    csv_page = operator.get(reverse("admin:imports_importbatch_change", args=[csv_batch.pk])).content.decode()

    assert "Excel workbook, sheet “Panki”; header on row 1." in xlsx_page
    assert "Rows hidden in the sheet (filtered out or hidden by hand): 1." in xlsx_page
    assert "CSV file in UTF-8, columns separated by semicolons; header on row 1." in csv_page


def test_the_preview_counts_and_lists_old_numbers_shorter_than_usual() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    batch = batch_validated(csv_bytes("123457,2100123457,,,", "12345678,2640000001,,,"))

    page = operator.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    content = page.content.decode()
    assert "Old account numbers shorter than the usual 8 digits: 1." in content
    assert [row["old_raw"] for row in page.context["short_old_rows"]] == ["123457"]


def test_the_error_report_downloads_as_a_workbook_for_operators() -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    batch = batch_validated(DATA)

    response = operator.get(reverse("admin:imports_importbatch_report_xlsx", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}-refused-rows.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [cell.value for cell in next(workbook.worksheets[0].iter_rows(min_row=2))][:3] == [
        3,
        "1234567A",
        "2640000002",
    ]


@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        ("applied", "This file was already applied, as batch #{id}. Importing it again changes nothing, unless"),
        ("rolled_back", "which was rolled back: importing it again applies its mappings again."),
        ("validated", "which is checked and waiting to be applied: apply one of the two, not both."),
        ("failed", "which failed without changing anything: this batch checks it again."),
    ],
)
def test_the_same_file_warning_says_what_became_of_the_earlier_batch(
    earlier: str, expected: str, django_capture_on_commit_callbacks
) -> None:
    operator = _client_for(staff_user("operator", can_import=True))
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = batch_validated(DATA)
    if earlier in {"applied", "rolled_back"}:
        services.import_batch_apply(batch_id=first.pk)
    if earlier == "rolled_back":
        services.import_batch_rollback(batch_id=first.pk, user=None)
    if earlier == "failed":
        batch_fail(
            first.pk,
            expected=ImportBatch.Status.VALIDATED,
            code=ImportBatch.FailureCode.INTERNAL,
            stage=ImportBatch.Stage.APPLY,
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(operator)
    second = ImportBatch.objects.latest("pk")
    page = operator.get(reverse("admin:imports_importbatch_change", args=[second.pk])).content.decode()

    warnings = [str(message) for message in response.wsgi_request._messages if message.level_tag == "warning"]
    assert len(warnings) == 1
    assert expected.format(id=first.pk) in warnings[0]
    assert "changes nothing that batch already applied" not in warnings[0]
    assert expected.format(id=first.pk) in page


def test_the_batch_list_costs_the_same_queries_for_many_batches_as_for_one() -> None:
    # The "uploaded by" column names a user: fetched in the list's one query, not once per row.
    operator = _client_for(staff_user("operator", can_import=True))
    url = reverse("admin:imports_importbatch_changelist")

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert operator.get(url).status_code == 200
        return len(captured)

    ImportBatch.objects.filter(pk=batch_upload(DATA, name="a.csv").pk).update(
        uploaded_by=staff_user("a", can_import=True)
    )
    one = queries_for_the_list()
    for name in "bcdef":
        uploader = staff_user(name, can_import=True)
        ImportBatch.objects.filter(pk=batch_upload(DATA, name=f"{name}.csv").pk).update(uploaded_by=uploader)
    assert queries_for_the_list() == one
