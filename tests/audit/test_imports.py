"""An operator's import, as the trail records it: upload, apply and roll back, each by whom and from where."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports.models import ImportBatch
from tests.audit.helpers import recorded_besides_signing_in
from tests.helpers import sign_in, staff_user
from tests.imports.helpers import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp", "tasks_in_process")]


def test_an_upload_an_apply_and_a_rollback_through_the_admin_are_each_recorded(django_capture_on_commit_callbacks):
    operator = staff_user("asha", can_import=True)
    client = sign_in(Client(REMOTE_ADDR="203.0.113.5"), operator)
    upload = SimpleUploadedFile("mapping.csv", csv_bytes("12345678,2640000001,Ram,North,9876543210"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:imports_importbatch_add"), {"file": upload})
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:imports_importbatch_apply", args=[batch.pk]), {"confirmed": "1"})
    client.post(reverse("admin:imports_importbatch_rollback", args=[batch.pk]), {"confirmed": "1"})

    assert ImportBatch.objects.get().status == ImportBatch.Status.ROLLED_BACK
    target = f"imports.ImportBatch #{batch.pk}"
    assert list(recorded_besides_signing_in().values_list("action", "user", "target", "address")) == [
        ("import_uploaded", operator.pk, target, "203.0.113.5"),
        ("import_applied", operator.pk, target, "203.0.113.5"),
        ("import_rolled_back", operator.pk, target, "203.0.113.5"),
    ]
