"""A deleted batch takes its files with it: the upload and the error report hold personal data."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from imports.models import ImportBatch


@receiver(post_delete, sender=ImportBatch, dispatch_uid="imports_batch_files_delete")
def _batch_files_delete(sender: type[ImportBatch], instance: ImportBatch, **kwargs: object) -> None:
    from imports.services import import_batch_files_delete

    # After the commit: a delete that is rolled back must not have lost the files.
    transaction.on_commit(lambda: import_batch_files_delete(batch=instance))
