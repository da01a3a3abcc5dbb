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
        # The support desk's find by name starts from the mobile's last 4 digits: about 75 rows of
        # 750,000 share an ending, and the name and division are compared among those (admin.py).
        # Measured on PostgreSQL at 750,000 rows: the find takes 0.6 ms with it, 135-185 ms without;
        # inserting all the rows takes 7-17% longer with it (about 0.5-1 s of an import's apply).
        indexes = [models.Index(fields=["mobile_last4"], name="accounts_mapping_mobile4_idx")]

    def __str__(self) -> str:
        # Shown in the admin to staff only; never logged.
        return f"{self.old_account_number} → {self.new_account_number}"


class LookupDay(models.Model):
    """How many lookups a day ended in each way: counted in the cache, folded in here on a schedule.

    No personal data: one row a day with four numbers (see accounts.usage).
    """

    day = models.DateField(_("day"), unique=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    no_match = models.PositiveIntegerField(_("no match"), default=0)
    already_new = models.PositiveIntegerField(_("already the new number"), default=0)
    limited = models.PositiveIntegerField(_("limited"), default=0)

    class Meta:
        verbose_name = _("lookups of a day")
        verbose_name_plural = _("lookups per day")
        ordering = ("-day",)

    def __str__(self) -> str:
        return self.day.isoformat()


class MissingNumberDay(models.Model):
    """A well-formed old number that consumers looked up on a day and the mapping did not have.

    Only misses on an unknown number, never a wrong mobile on a known one. One row per number and
    day, so that the addresses of a day are counted once however often the counts are folded in;
    the list sums the days. The addresses themselves are never stored (accounts.usage).
    """

    old_account_number = models.CharField(_("old account number"), max_length=12)
    day = models.DateField(_("day"), db_index=True)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    # Different client addresses that day (a HyperLogLog estimate on Redis).
    addresses = models.PositiveIntegerField(_("different addresses"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("missing number (a day)")
        verbose_name_plural = _("missing numbers (by day)")
        ordering = ("-day", "old_account_number")
        constraints = [
            models.UniqueConstraint(fields=["old_account_number", "day"], name="accounts_missing_number_day_unique"),
        ]

    def __str__(self) -> str:
        # Shown to staff only; never logged.
        return f"{self.old_account_number} {self.day.isoformat()}"
