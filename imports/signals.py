"""A deleted batch takes its files with it: the upload and the error report hold personal data."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from imports.models import ImportBatch
from imports.services.purge import import_batch_files_delete

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=ImportBatch, dispatch_uid="imports_batch_files_delete")
def _batch_files_delete(sender: type[ImportBatch], instance: ImportBatch, **kwargs: object) -> None:
    batch_id = instance.pk

    def delete_files() -> None:
        try:
            import_batch_files_delete(batch=instance)
        except OSError as error:
            # The batch is gone already; an error here must not turn a finished delete into a 500.
            logger.error("import batch %s: files not deleted (%s)", batch_id, type(error).__name__)

    # After the commit: a delete that is rolled back must not have lost the files.
    transaction.on_commit(delete_files)
