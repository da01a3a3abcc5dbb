"""Apply and roll back ask first: a page of their own says what will change, and only its button acts."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccountMapping
from imports import selectors, services
from imports.models import ImportBatch, MappingChange
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import batch_applied, batch_validated, csv_bytes, live_table, mapping_existing

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://evil.example","Click")'
FORMULA_CELL = '"' + FORMULA_NAME.replace('"', '""') + '"'  # as a CSV quotes it


def _operator(language: str = "en", username: str = "operator") -> Client:
    client = sign_in(Client(), staff_user(username, can_import=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _new_rows(count: int, *, first: int = 30000000) -> list[str]:
    return [f"{first + index},{2600000000 + first + index - 30000000},,," for index in range(count)]


def _one_changed_and_new(new: int) -> ImportBatch:
    """A live mapping of Ravi's that the file changes (a formula-looking name, another mobile), and ``new`` more."""
    mapping_existing("11110001", "2611110001", name="Ravi Verma", division="North", mobile_last4="1111")
    return batch_validated(csv_bytes(f"11110001,2611110001,{FORMULA_CELL},North,9876543210", *_new_rows(new)))


def _apply_url(batch: ImportBatch) -> str:
    return reverse("admin:imports_importbatch_apply", args=[batch.pk])


def _rollback_url(batch: ImportBatch) -> str:
    return reverse("admin:imports_importbatch_rollback", args=[batch.pk])


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.wsgi_request._messages]


def test_it_counts_in_indian_digit_groups_in_both_languages() -> None:
    for language in ("en", "hi"):
        with translation.override(language):
            assert (selectors.grouped(750000), selectors.grouped(1991), selectors.grouped(1)) == (
                "7,50,000",
                "1,991",
                "1",
            )


@pytest.mark.parametrize(
    ("language", "summary", "headers"),
    [
        ("en", "1,991 new and 1 changed mapping will go live.", ("now", "in the file")),
        ("hi", "1,991 नई और 1 बदली गई मैपिंग लाइव होंगी।", ("अभी", "फ़ाइल में")),
    ],
)
def test_the_apply_page_says_what_will_go_live_and_changes_nothing(language, summary, headers) -> None:
    batch = _one_changed_and_new(1991)
    before = live_table()
    operator = _operator(language)

    with CaptureQueriesContext(connection) as captured:
        page = operator.get(_apply_url(batch))
        operator.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert summary in content
    assert all(header in content for header in headers)
    [change] = page.context["page_obj"].object_list
    assert change.old_account_number == "11110001"
    assert change.current == ("2611110001", "Ravi Verma", "North", "1111")
    assert change.after == ("2611110001", FORMULA_NAME, "North", "3210")
    assert [changes for _now, _after, changes in change.columns] == [False, True, False, True]
    assert 'name="confirmed" value="1"' in content
    statements = {query["sql"].lstrip().split(None, 1)[0].upper() for query in captured}
    assert not {"UPDATE", "INSERT", "DELETE"} & statements
    assert live_table() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.VALIDATED
    assert not LogEntry.objects.exists()


def test_the_apply_page_words_each_case_with_its_own_singular_and_plural() -> None:
    with translation.override("en"):
        assert selectors.apply_summary(selectors.ApplyCounts(new=1, changed=0)) == "1 new mapping will go live."
        assert selectors.apply_summary(selectors.ApplyCounts(new=0, changed=2)) == "2 changed mappings will go live."
        assert selectors.apply_summary(selectors.ApplyCounts(new=2, changed=2)) == (
            "2 new and 2 changed mappings will go live."
        )
        assert selectors.apply_summary(selectors.ApplyCounts(new=0, changed=0)).startswith("Nothing will change")
    with translation.override("hi"):
        assert selectors.apply_summary(selectors.ApplyCounts(new=1, changed=0)) == "1 नई मैपिंग लाइव होगी।"
        assert selectors.apply_summary(selectors.ApplyCounts(new=750000, changed=0)) == ("7,50,000 नई मैपिंग लाइव होंगी।")


def test_the_old_one_click_post_applies_nothing_and_shows_the_confirmation(django_capture_on_commit_callbacks) -> None:
    operator = _operator()
    batch = _one_changed_and_new(2)
    before = live_table()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = operator.post(_apply_url(batch))

    assert response.status_code == 302
    assert response["Location"] == _apply_url(batch)
    assert callbacks == []  # nothing queued
    assert live_table() == before
    batch.refresh_from_db()
    assert (batch.status, batch.apply_requested_at, batch.applied_by) == (ImportBatch.Status.VALIDATED, None, None)
    assert _messages(response) == ["Nothing was done yet: check what will change, then confirm."]
    assert not LogEntry.objects.exists()


def test_the_confirmed_post_applies_exactly_the_changes_the_page_listed(django_capture_on_commit_callbacks) -> None:
    operator = _operator()
    batch = _one_changed_and_new(2)
    listed = list(operator.get(_apply_url(batch)).context["page_obj"].object_list)

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(_apply_url(batch), {"confirmed": "1"})

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.applied_by.username == "operator"
    written = MappingChange.objects.filter(batch=batch).values_list(
        "old_account_number", "new_account_number", "consumer_name", "division", "mobile_last4"
    )
    assert [(change.old_account_number, *change.after) for change in listed] == list(written)
    assert AccountMapping.objects.get(old_account_number="11110001").consumer_name == FORMULA_NAME


def test_the_apply_page_refuses_a_batch_that_is_not_validated() -> None:
    operator = _operator()
    batch = batch_applied(csv_bytes(*_new_rows(1)))

    response = operator.get(_apply_url(batch))

    assert response.status_code == 302
    assert _messages(response) == ["Only a validated batch can be applied."]


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        (
            "en",
            "1,991 mappings this batch added will be removed and 1 changed mapping will be restored to its "
            "earlier values.",
        ),
        (
            "hi",
            "इस बैच द्वारा जोड़ी गई 1,991 मैपिंग हटाई जाएँगी और बदली गई 1 मैपिंग अपने पहले के मानों पर लौटाई जाएगी।",
        ),
    ],
)
def test_the_rollback_page_says_what_will_be_removed_and_restored_and_changes_nothing(language, summary) -> None:
    batch = _one_changed_and_new(1991)
    services.import_batch_apply(batch_id=batch.pk)
    before = live_table()
    operator = _operator(language)

    with CaptureQueriesContext(connection) as captured:
        page = operator.get(_rollback_url(batch))

    assert page.status_code == 200
    assert summary in page.content.decode()
    [change] = page.context["page_obj"].object_list
    assert change.current == ("2611110001", FORMULA_NAME, "North", "3210")
    assert change.after == ("2611110001", "Ravi Verma", "North", "1111")
    statements = {query["sql"].lstrip().split(None, 1)[0].upper() for query in captured}
    assert not {"UPDATE", "INSERT", "DELETE"} & statements
    assert live_table() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED
    assert not LogEntry.objects.exists()


def test_the_old_one_click_rollback_post_changes_nothing_and_the_confirmed_one_rolls_back() -> None:
    operator = _operator()
    batch = _one_changed_and_new(3)
    services.import_batch_apply(batch_id=batch.pk)
    before = live_table()

    unconfirmed = operator.post(_rollback_url(batch))
    assert unconfirmed["Location"] == _rollback_url(batch)
    assert live_table() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED

    confirmed = operator.post(_rollback_url(batch), {"confirmed": "1"})

    assert confirmed["Location"] == reverse("admin:imports_importbatch_change", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.rolled_back_by.username) == (ImportBatch.Status.ROLLED_BACK, "operator")
    assert AccountMapping.objects.get().consumer_name == "Ravi Verma"


def test_the_confirmed_rollback_still_refuses_when_a_mapping_was_changed_since() -> None:
    operator = _operator()
    batch = _one_changed_and_new(2)
    services.import_batch_apply(batch_id=batch.pk)
    AccountMapping.objects.filter(old_account_number="11110001").update(updated_at=timezone.now())  # a hand edit
    before = live_table()

    response = operator.post(_rollback_url(batch), {"confirmed": "1"})

    assert _messages(response) == [
        "Not rolled back: 1 mappings written by this batch have changed since (by a later batch or by hand). "
        "Roll back the later batches first."
    ]
    assert live_table() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED
    assert not LogEntry.objects.exists()


def _many_changed(count: int) -> ImportBatch:
    for index in range(count):
        mapping_existing(f"{40000000 + index}", f"{2640000000 + index}", name="Before")
    return batch_validated(csv_bytes(*(f"{40000000 + index},{2640000000 + index},After,," for index in range(count))))


def test_the_changed_mappings_are_listed_fifty_a_page_in_old_number_order() -> None:
    operator = _operator()
    batch = _many_changed(120)

    pages = {page: operator.get(_apply_url(batch), {"page": page}) for page in ("1", "2", "3", "abc", "99")}

    numbers = {page: [c.old_account_number for c in r.context["page_obj"].object_list] for page, r in pages.items()}
    assert [len(numbers[page]) for page in ("1", "2", "3")] == [50, 50, 20]
    assert numbers["1"] + numbers["2"] + numbers["3"] == [f"{40000000 + index}" for index in range(120)]
    assert numbers["abc"] == numbers["1"]  # bad input shows the first page
    assert numbers["99"] == numbers["3"]  # beyond the end: the last
    content = pages["2"].content.decode()
    assert 'href="?page=1"' in content and 'href="?page=3"' in content
    assert "Page 2 of 3" in content
    assert "Changed mappings: 120" in content


def _sheet(response):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


def _workbook_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(cell.value for cell in row) for row in _sheet(response).iter_rows()]


def test_the_download_holds_every_changed_mapping_and_is_safe_in_excel() -> None:
    operator = _operator()
    batch = _many_changed(120)
    mapping_existing("00123456", "0026400001", name="Ravi Verma")
    batch_with_formula = batch_validated(csv_bytes(f"00123456,0026400001,{FORMULA_CELL},,"))

    response = operator.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch.pk]))
    formula = operator.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch_with_formula.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}-changed-mappings-apply.xlsx"'
    rows = _workbook_rows(response)
    assert rows[0][:3] == ("old account number", "new account number: now", "new account number: in the file")
    assert [row[0] for row in rows[1:]] == [f"{40000000 + index}" for index in range(120)]
    assert rows[1][3:5] == ("Before", "After")
    [_header, cells] = list(_sheet(formula).iter_rows())
    assert [cell.value for cell in cells[:5]] == [
        "00123456",
        "0026400001",
        "0026400001",
        "Ravi Verma",
        "'" + FORMULA_NAME,
    ]
    # Text ("inlineStr" for the empty ones): no formula ("f"), no number losing its zeros ("n").
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr"}


def test_the_csv_download_holds_every_changed_mapping_with_formulas_and_numbers_kept_as_text() -> None:
    operator = _operator("hi")
    batch = _many_changed(120)
    mapping_existing("00123456", "0026400001", name="Ravi Verma")
    with_formula = batch_validated(csv_bytes(f"00123456,0026400001,{FORMULA_CELL},,"))

    response = operator.get(reverse("admin:imports_importbatch_changes_csv", args=[batch.pk]))
    formula = operator.get(reverse("admin:imports_importbatch_changes_csv", args=[with_formula.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}-changed-mappings-apply.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel then reads UTF-8, and shows the Hindi headers
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["पुरानी खाता संख्या", "नई खाता संख्या: अभी", "नई खाता संख्या: फ़ाइल में"]
    assert [row[0] for row in rows[1:]] == [f"'{40000000 + index}" for index in range(120)]
    [_header, row] = list(csv.reader(io.StringIO(b"".join(formula.streaming_content).decode("utf-8-sig"))))
    assert row[:5] == ["'00123456", "'0026400001", "'0026400001", "Ravi Verma", "'" + FORMULA_NAME]


def test_the_rollback_download_lists_the_values_a_rollback_restores() -> None:
    operator = _operator()
    batch = _many_changed(3)
    services.import_batch_apply(batch_id=batch.pk)

    response = operator.get(reverse("admin:imports_importbatch_changes_xlsx", args=[batch.pk]))

    rows = _workbook_rows(response)
    assert rows[0][3:5] == ("consumer name: now", "consumer name: restored")
    assert [row[3:5] for row in rows[1:]] == [("After", "Before")] * 3


def test_there_is_no_download_for_a_batch_with_nothing_to_confirm() -> None:
    operator = _operator()
    batch = _many_changed(1)
    services.import_batch_apply(batch_id=batch.pk)
    services.import_batch_rollback(batch_id=batch.pk, user=None)

    responses = [
        operator.get(reverse(f"admin:imports_importbatch_changes_{kind}", args=[batch.pk])) for kind in ("xlsx", "csv")
    ]

    assert [response.status_code for response in responses] == [404, 404]


def test_the_batch_page_buttons_lead_to_the_confirmation_pages_by_get() -> None:
    operator = _operator()
    validated = _many_changed(1)
    applied = batch_applied(csv_bytes(*_new_rows(1)))

    validated_page = operator.get(reverse("admin:imports_importbatch_change", args=[validated.pk])).content.decode()
    applied_page = operator.get(reverse("admin:imports_importbatch_change", args=[applied.pk])).content.decode()

    assert f'<a class="button default" href="{_apply_url(validated)}">' in validated_page
    assert f'action="{_apply_url(validated)}"' not in validated_page
    assert f'<a class="button" href="{_rollback_url(applied)}">' in applied_page
    assert f'action="{_rollback_url(applied)}"' not in applied_page
