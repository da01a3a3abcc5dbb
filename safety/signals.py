"""A deleted scam report takes its screenshot with it (the file is the consumer's personal data too);
a saved or deleted rule, alert, contact or genuine message drops the pages' cached copy, and every
request reads the copies' stamp afresh (safety/selectors.py)."""

from __future__ import annotations

import logging

from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from safety.models import Alert, GenuineMessage, OfficialContact, PaymentChannel, SafetyRule, ScamReport
from safety.selectors import (
    PAGE_ALERTS_KEY,
    PAGE_CONTACT_KEYS,
    PAGE_GENUINE_MESSAGES_KEY,
    PAGE_RULES_KEY,
    page_stamp_forget,
)
from safety.services import page_copies_drop

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


@receiver(post_save, sender=SafetyRule, dispatch_uid="safety_rule_page_copy_save")
@receiver(post_delete, sender=SafetyRule, dispatch_uid="safety_rule_page_copy_delete")
def _rule_changed(sender: type[SafetyRule], **kwargs: object) -> None:
    page_copies_drop(keys=(PAGE_RULES_KEY,))


@receiver(post_save, sender=Alert, dispatch_uid="safety_alert_page_copy_save")
@receiver(post_delete, sender=Alert, dispatch_uid="safety_alert_page_copy_delete")
def _alert_changed(sender: type[Alert], **kwargs: object) -> None:
    page_copies_drop(keys=(PAGE_ALERTS_KEY,))


# The proxy sends its own signals: a payment channel saved through its admin is a contact too.
@receiver(post_save, sender=OfficialContact, dispatch_uid="safety_contact_page_copy_save")
@receiver(post_delete, sender=OfficialContact, dispatch_uid="safety_contact_page_copy_delete")
@receiver(post_save, sender=PaymentChannel, dispatch_uid="safety_channel_page_copy_save")
@receiver(post_delete, sender=PaymentChannel, dispatch_uid="safety_channel_page_copy_delete")
def _contact_changed(sender: type[OfficialContact], **kwargs: object) -> None:
    page_copies_drop(keys=PAGE_CONTACT_KEYS)


@receiver(post_save, sender=GenuineMessage, dispatch_uid="safety_genuine_page_copy_save")
@receiver(post_delete, sender=GenuineMessage, dispatch_uid="safety_genuine_page_copy_delete")
def _genuine_message_changed(sender: type[GenuineMessage], **kwargs: object) -> None:
    page_copies_drop(keys=(PAGE_GENUINE_MESSAGES_KEY,))


request_started.connect(page_stamp_forget, dispatch_uid="safety_page_stamp_per_request")
