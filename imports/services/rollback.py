"""Rollback: an applied batch's writes undone exactly, or refused with nothing changed."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportBatch
from imports.services.sql import is_postgres, statements
from imports.services.status import ImportActionRefused, batch_transition

logger = logging.getLogger(__name__)

Status = ImportBatch.Status


def import_batch_rollback(*, batch_id: int, user: AbstractBaseUser | None) -> ImportBatch:
    """Put back exactly what an applied batch replaced, in one transaction.

    Refused, with nothing changed, when a mapping this batch wrote has been changed since (by a
    later batch or by hand), or when a number it released has been given to another account:
    undoing would then overwrite someone else's work.
    """
    sql = statements()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != Status.APPLIED:
            raise ImportActionRefused(_("Only an applied batch can be rolled back."))
        if batch.rows_stamp is None:
            # Applied before migration 0004, which added the stamp that finds the rows a batch created:
            # without it every created mapping would count as changed since, a wrong reason to give.
            raise ImportActionRefused(
                _(
                    "This batch was applied by an earlier version of the importer, which kept no record for "
                    "a rollback. Correct the mappings by importing a corrected file."
                )
            )
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.execute(sql.live_lock)
            stamp = connection.ops.adapt_datetimefield_value(batch.rows_stamp)
            cursor.execute(sql.drifted_changes, [batch_id, stamp])
            drifted = cursor.fetchone()[0]
            cursor.execute(sql.created_untouched, [stamp, stamp])
            drifted += max(batch.count_new - cursor.fetchone()[0], 0)
            if drifted:
                raise ImportActionRefused(
                    _(
                        "Not rolled back: %(count)s mappings written by this batch have changed since "
                        "(by a later batch or by hand). Roll back the later batches first."
                    )
                    % {"count": drifted}
                )
            cursor.execute(sql.number_reused, [batch_id])
            reused = cursor.fetchone()[0]
            if reused:
                raise ImportActionRefused(
                    _(
                        "Not rolled back: %(count)s new account numbers this batch replaced now belong to "
                        "other accounts."
                    )
                    % {"count": reused}
                )
            cursor.execute(sql.rollback_delete, [stamp, stamp])
            cursor.execute(sql.rollback_restore, [batch_id])
        batch_transition(
            batch_id,
            expected=Status.APPLIED,
            to=Status.ROLLED_BACK,
            rolled_back_at=timezone.now(),
            rolled_back_by=user if user is not None and user.is_authenticated else None,
        )
        batch.refresh_from_db()
    logger.info("import batch %s: rolled back", batch_id)
    return batch
