"""The old-to-new account number mapping that the lookup answers from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class AccountMapping(models.Model):
    # Both numbers are unique and indexed by the constraints in Meta: the lookup is one exact match
    # on either column (a consumer may type the new number into the old field).
    old_account_number = models.CharField(_("old account number"), max_length=12)
    new_account_number = models.CharField(_("new account number"), max_length=12)
    consumer_name = models.CharField(_("consumer name"), max_length=200, blank=True)
    division = models.CharField(_("division"), max_length=100, blank=True)
    # Data minimisation: only the last four digits of the registered mobile are ever stored. They
    # are the second factor of the lookup, not a way to reach the consumer.
    mobile_last4 = models.CharField(_("last 4 digits of registered mobile"), max_length=4, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account mapping")
        verbose_name_plural = _("account mappings")
        ordering = ("old_account_number",)
        # Checked by the bulk importer (imports/): uploading, applying and rolling back mapping files.
        # gettext_noop: the name is stored in English; the admin shows it translated (staff/admin.py).
        permissions = [("import_mapping", gettext_noop("Can import mapping files"))]
        # UniqueConstraint rather than unique=True: on PostgreSQL, unique=True on a CharField adds a
        # second "_like" index for LIKE queries that an exact lookup never uses, and every bulk
        # import would pay to maintain it (about a third of the insert time at 750,000 rows).
        constraints = [
            models.UniqueConstraint(fields=["old_account_number"], name="accounts_mapping_old_number_unique"),
            models.UniqueConstraint(fields=["new_account_number"], name="accounts_mapping_new_number_unique"),
        ]

    def __str__(self) -> str:
        # Shown in the admin to staff only; never logged.
        return f"{self.old_account_number} → {self.new_account_number}"
