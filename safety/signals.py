"""A deleted scam report takes its screenshot with it: the file is the consumer's personal data too."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from safety.models import ScamReport

logger = logging.getLogger(__name__)


# post_delete, not an override of ModelAdmin.delete_model: the admin's bulk "delete selected" and any
# QuerySet.delete() send it for each report too (Django gives up its fast delete for models with
# delete signals), so no path leaves an orphaned screenshot behind.
@receiver(post_delete, sender=ScamReport, dispatch_uid="safety_report_screenshot_delete")
def _report_screenshot_delete(sender: type[ScamReport], instance: ScamReport, **kwargs: object) -> None:
    if not instance.screenshot:
        return
    storage, name, report_id = instance.screenshot.storage, instance.screenshot.name, instance.pk

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError as error:
            # The report is gone already; say which one, never what was in it.
            logger.error("scam report %s: screenshot not deleted (%s)", report_id, type(error).__name__)

    # After the commit: a delete that is rolled back must keep its screenshot.
    transaction.on_commit(delete_file)
