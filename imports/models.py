"""Bulk imports of old-to-new mapping files: the batch, its staging rows and the history for rollback."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A batch still *queued* this long after it was queued may have lost its message (a broker restart
# without persistence, a purge) and staff may queue it again. A worker normally picks a validation
# up within seconds; 10 minutes leaves room for a queue behind two 750,000-row imports (about 20 s
# each) and for a worker restart, without leaving staff waiting long. Queueing too early would do no
# harm (the lock and the status check make a second delivery a no-op); the wait only keeps
# impatient clicks from filling the queue.
REQUEUE_AFTER = timedelta(minutes=10)
REQUEUE_AFTER_MINUTES = int(REQUEUE_AFTER.total_seconds() // 60)  # as staff are told it


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("validating")
        VALIDATED = "validated", _("validated")
        APPLYING = "applying", _("applying")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")
        ROLLED_BACK = "rolled_back", _("rolled back")

    class Stage(models.TextChoices):
        VALIDATE = "validate", _("validation")
        APPLY = "apply", _("applying")

    class FailureCode(models.TextChoices):
        # What staff read for each, details filled in, is imports.reasons.FILE_ERRORS; a test keeps
        # the two lists equal. The file's refusals come from the reader; the rest from the pipeline.
        UNSUPPORTED_TYPE = "unsupported_type"
        NOT_A_WORKBOOK = "not_a_workbook"
        NOT_TEXT = "not_text"
        EMPTY_FILE = "empty_file"
        ENCODING = "encoding"
        MIXED_ENCODING = "mixed_encoding"
        NUL_CHARACTER = "nul_character"
        NO_HEADER = "no_header"
        MISSING_COLUMNS = "missing_columns"
        DUPLICATE_COLUMNS = "duplicate_columns"
        NO_ROWS = "no_rows"
        DAMAGED_WORKBOOK = "damaged_workbook"
        MALFORMED_CSV = "malformed_csv"
        CELL_TOO_LONG = "cell_too_long"
        LINE_TOO_LONG = "line_too_long"
        WORKBOOK_TOO_LARGE = "workbook_too_large"
        TOO_MUCH_MEMORY = "too_much_memory"
        WORKER_LOST = "worker_lost"
        STAGING_LOST = "staging_lost"
        INTERNAL = "internal"
        DRY_RUN = "dry_run"
        NOT_CONFIRMED = "not_confirmed"
        EXPIRED = "expired"

    file = models.FileField(_("file"), upload_to="imports/uploads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # The same bytes uploaded before: flagged to staff, not refused (a re-import changes nothing).
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("same file as"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Who ran manage.py import_mappings: the operating-system login, kept even when --user names a
    # staff account (then also in uploaded_by), so a command batch never shows "uploaded by —".
    command_user = models.CharField(_("run from the command line by"), max_length=150, blank=True)
    apply_when_valid = models.BooleanField(_("apply when valid"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # When its validation was last put on the queue (upload, "Run again", "Queue again"): how long a
    # queued batch has waited for a worker. Null for batches from before this field: their upload time.
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)

    failure_code = models.CharField(_("failure"), max_length=32, choices=FailureCode.choices, blank=True)
    # JSON: what the message needs (a row, a line, the columns found in the header...), never a value.
    failure_detail = models.CharField(_("failure detail"), max_length=1000, blank=True)
    failed_stage = models.CharField(_("failed during"), max_length=16, choices=Stage.choices, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    # Which optional columns the file had (name, division, mobile), for the preview.
    columns = models.JSONField(_("columns found"), default=list, blank=True)
    # How the file was read, shown on the preview so staff can tell a misread file at a glance: a
    # CSV's encoding (a Python codec name) and delimiter, an XLSX's sheet, and the header's row.
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    sheet_name = models.CharField(_("sheet read"), max_length=255, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    # What staff should check before applying, as {code: count or names} (see selectors.batch_notes):
    # hidden rows, a hidden first sheet passed over, old numbers shorter than usual.
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    count_new = models.PositiveIntegerField(_("new mappings"), default=0)
    count_changed = models.PositiveIntegerField(_("changed mappings"), default=0)
    count_unchanged = models.PositiveIntegerField(_("unchanged mappings"), default=0)
    count_duplicates = models.PositiveIntegerField(_("duplicate rows"), default=0)
    count_refused = models.PositiveIntegerField(_("refused rows"), default=0)
    refused_by_reason = models.JSONField(_("refused rows by reason"), default=dict, blank=True)
    error_report = models.FileField(_("error report"), upload_to="imports/reports/%Y/%m/", blank=True)

    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validate_seconds = models.FloatField(_("validation time (s)"), null=True, blank=True)
    apply_requested_at = models.DateTimeField(_("apply requested"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    apply_seconds = models.FloatField(_("apply time (s)"), null=True, blank=True)
    # The created_at/updated_at given to every mapping the apply wrote. Rollback finds the mappings
    # the batch created by it, and tells an untouched mapping from one written since. Kept apart from
    # applied_at, which is for people to read.
    rows_stamp = models.DateTimeField(_("stamp on the mappings written"), null=True, blank=True, editable=False)
    rolled_back_at = models.DateTimeField(_("rolled back"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rolled back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the uploaded file and the error report were deleted (data minimisation, see
    # imports_purge_files); the row, its counts, its SHA-256 and its rollback history stay.
    files_deleted_at = models.DateTimeField(_("files deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.VALIDATING, self.Status.APPLYING}

    @property
    def waiting_since(self) -> datetime:
        return self.queued_at or self.created_at

    def can_queue_again(self, now: datetime | None = None) -> bool:
        """Whether staff may queue it again ("Queue again"): still queued, REQUEUE_AFTER after it was queued."""
        return self.status == self.Status.QUEUED and (now or timezone.now()) - self.waiting_since >= REQUEUE_AFTER

    @property
    def ended_at(self) -> datetime | None:
        """When the batch reached its final state; None while it can still move on by itself."""
        if self.status == self.Status.APPLIED:
            return self.applied_at
        if self.status == self.Status.ROLLED_BACK:
            return self.rolled_back_at
        if self.status == self.Status.FAILED:
            # Batches that failed before failed_at existed: their upload time (they fail while checked).
            return self.failed_at or self.created_at
        return None


class ImportRow(models.Model):
    """One data row of a batch's file, parsed and checked: the staging area between upload and apply.

    On PostgreSQL the table is UNLOGGED (see the migration): it is bulk-loaded with COPY and can be
    rebuilt from the file, so it skips the write-ahead log. Rows are deleted once the batch is applied.
    """

    # No database-level foreign key: its per-row check would slow the bulk load; Django still cascades.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    row_number = models.PositiveIntegerField()  # as Excel numbers it: the header is row 1
    # What the file said, for the error report (cut to 100 characters).
    old_raw = models.CharField(max_length=100, blank=True)
    new_raw = models.CharField(max_length=100, blank=True)
    # Normalised values; blank when the row is refused for that column.
    old_account_number = models.CharField(max_length=12, blank=True)
    new_account_number = models.CharField(max_length=12, blank=True)
    consumer_name = models.CharField(max_length=200, blank=True)
    division = models.CharField(max_length=100, blank=True)
    mobile_last4 = models.CharField(max_length=4, blank=True)
    # A code from imports.reasons.ROW_REASONS; blank for a row that will be imported.
    reason = models.CharField(max_length=32, blank=True)
    # An exact repeat of an earlier row: imported once, counted.
    is_duplicate = models.BooleanField(default=False)

    # No index but the primary key: every statement on staging reads a whole batch (a sequential
    # scan), and each index would slow the bulk load.

    class Meta:
        verbose_name = _("checked row")
        verbose_name_plural = _("checked rows")

    def __str__(self) -> str:
        return f"batch {self.batch_id} row {self.row_number}"


class MappingChange(models.Model):
    """A mapping an applied batch changed: what was there before (to undo it exactly) and what it wrote.

    Mappings a batch created have no row here: they carry the batch's stamp instead (created_at and
    updated_at equal to the batch's rows_stamp), which is all rollback needs to find and delete them.
    """

    # Indexed, but no database-level foreign key: its per-row check slows the apply's bulk insert.
    # PROTECT still stops Django from deleting a batch that has history.
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="changes", db_constraint=False)
    old_account_number = models.CharField(max_length=12)
    previous_new_account_number = models.CharField(max_length=12, blank=True)
    previous_consumer_name = models.CharField(max_length=200, blank=True)
    previous_division = models.CharField(max_length=100, blank=True)
    previous_mobile_last4 = models.CharField(max_length=4, blank=True)
    previous_updated_at = models.DateTimeField(null=True, blank=True)
    new_account_number = models.CharField(max_length=12)
    consumer_name = models.CharField(max_length=200, blank=True)
    division = models.CharField(max_length=100, blank=True)
    mobile_last4 = models.CharField(max_length=4, blank=True)

    # No index beyond the foreign key's: rollback reads a whole batch at once (one hash join).

    class Meta:
        verbose_name = _("mapping change")
        verbose_name_plural = _("mapping changes")

    def __str__(self) -> str:
        return f"batch {self.batch_id} change {self.pk}"
