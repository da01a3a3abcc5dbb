"""Import a mapping file from the command line: the same pipeline as the admin, run in this process."""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from audit.models import AuditEntry
from audit.services import audit_record, audit_target
from imports import selectors, services
from imports.models import ImportBatch
from imports.reasons import ROW_REASONS, bilingual, file_error_message, in_english_and_hindi, joined

IMPORT_PERMISSION = "accounts.import_mapping"


class Command(BaseCommand):
    help = (
        "Check a CSV or XLSX old-to-new mapping file and apply it to the live lookup table in one "
        "transaction. Refused rows are listed (and written to an error report) but do not stop the "
        "others; a file that cannot be read, or lacks the old/new number columns, is refused as a "
        "whole and nothing changes (exit status 1). --dry-run checks without applying; --yes "
        "applies without asking. A dry run, or a run whose apply is not confirmed, ends its batch "
        "(failed: dry_run or not_confirmed), so nobody can apply its stale preview later from the "
        "admin. The batch records the operating-system login that ran the command; --user USERNAME "
        "also records a staff account, which must hold the import permission, as uploader and applier. "
        "The upload and a confirmed apply go in the audit trail, as the admin's do. "
        "Reasons and messages are printed in English and Hindi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and show the preview only.")
        parser.add_argument("--yes", action="store_true", help="Apply without asking for confirmation.")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The staff account doing this import (needs the permission accounts.import_mapping).",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = _import_user(str(options["user"])) if options["user"] else None
        bar = _ProgressBar(enabled=self.stdout.isatty() if hasattr(self.stdout, "isatty") else False)
        with bar.logs_through_bar():
            self._import(path, user=user, bar=bar, dry_run=bool(options["dry_run"]), yes=bool(options["yes"]))

    def _import(
        self, path: Path, *, user: AbstractBaseUser | None, bar: _ProgressBar, dry_run: bool, yes: bool
    ) -> None:
        login = _operating_system_login()
        with path.open("rb") as handle:
            batch = services.import_batch_create(
                uploaded_file=File(handle, name=path.name),
                original_name=path.name,
                user=user,
                apply_when_valid=False,
                queued=False,  # this process runs the pipeline itself, broker or not
                command_user=login,
            )
        _audited(AuditEntry.Action.IMPORT_UPLOADED, batch, user=user, login=login)
        if batch.duplicate_of_id:
            (note,) = _in_both_languages(lambda: [selectors.batch_duplicate_note(batch=batch)])
            self.stdout.write(self.style.WARNING(f"Note: {note}"))
        batch = services.import_batch_validate(batch_id=batch.pk, progress=bar.update)
        bar.close()
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"Batch #{batch.pk}: file refused: {_failure(batch)}")
        self._summary(batch, heading="Checked")
        if dry_run:
            services.import_batch_end_unapplied(batch_id=batch.pk, code=ImportBatch.FailureCode.DRY_RUN)
            self.stdout.write(f"Dry run: nothing applied. Batch #{batch.pk} is ended (dry_run): it cannot be applied.")
            return
        if not yes and not self._confirmed(batch):
            services.import_batch_end_unapplied(batch_id=batch.pk, code=ImportBatch.FailureCode.NOT_CONFIRMED)
            raise CommandError(
                f"Not applied: batch #{batch.pk} is ended (not_confirmed). "
                "Run again with --yes to apply without asking."
            )

        # Recorded when confirmed, before the apply runs, as the admin records its confirmation.
        _audited(AuditEntry.Action.IMPORT_APPLIED, batch, user=user, login=login)
        batch = services.import_batch_apply(batch_id=batch.pk, user=user, progress=bar.update)
        bar.close()
        if batch.status != ImportBatch.Status.APPLIED:
            raise CommandError(f"Batch #{batch.pk}: not applied: {_failure(batch)}")
        self._summary(batch, heading="Applied")
        if batch.count_new == 0 and batch.count_changed == 0:
            self.stdout.write("Nothing changed: every mapping in this file was already in place.")
        self.stdout.write(self.style.SUCCESS(f"Batch #{batch.pk} applied in {batch.apply_seconds:.1f} s."))

    def _summary(self, batch: ImportBatch, *, heading: str) -> None:
        self.stdout.write(
            f"{heading} batch #{batch.pk}: {batch.rows_read} rows read, {batch.count_new} new, "
            f"{batch.count_changed} changed, {batch.count_unchanged} unchanged, "
            f"{batch.count_duplicates} duplicate rows, {batch.count_refused} refused."
        )
        read_as = _in_both_languages(lambda: [selectors.batch_read_as(batch=batch)])
        if read_as[0]:
            self.stdout.write(f"Read as: {read_as[0]}")
        for note in _in_both_languages(lambda: selectors.batch_notes(batch=batch)):
            self.stdout.write(self.style.WARNING(f"Note: {note}"))
        for code, count in sorted(batch.refused_by_reason.items(), key=lambda item: -item[1]):
            reason = bilingual(ROW_REASONS[code]) if code in ROW_REASONS else code
            self.stdout.write(f"  refused {count:>8} {code}: {reason}")
        if batch.error_report:
            self.stdout.write(f"Refused rows and warnings: {batch.error_report.path}")

    def _confirmed(self, batch: ImportBatch) -> bool:
        if not sys.stdin.isatty():
            return False
        answer = input(f"Apply {batch.count_new} new and {batch.count_changed} changed mappings? [y/N] ")
        return answer.strip().lower() in {"y", "yes"}


def _audited(action: AuditEntry.Action, batch: ImportBatch, *, user: AbstractBaseUser | None, login: str) -> None:
    """The admin's import steps reach the audit trail through its LogEntries; the command writes none,
    so it records its own: the staff account of --user if given, else the operating-system login."""
    audit_record(
        action=action,
        user=user,
        username=user.get_username() if user is not None else login,
        target=audit_target(ImportBatch, batch.pk),
        detail={"via": "command line", "login": login},
    )


def _failure(batch: ImportBatch) -> str:
    (message,) = _in_both_languages(lambda: [file_error_message(batch.failure_code, batch.failure_detail)])
    return message


def _import_user(username: str) -> AbstractBaseUser:
    """The staff account named by --user: it must exist, be active and hold the import permission."""
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"--user: there is no user {username!r}.") from None
    if not user.is_active or not user.has_perm(IMPORT_PERMISSION):
        raise CommandError(f"--user: {username!r} is not an active user with the permission {IMPORT_PERMISSION}.")
    return user


def _operating_system_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return f"uid {os.getuid()}"


def _in_both_languages(render: Callable[[], list[str]]) -> list[str]:
    """Each sentence as "English / हिन्दी": operators and the billing team read either."""
    english, hindi = in_english_and_hindi(render)
    return [joined(en, hi) for en, hi in zip(english, hindi, strict=True)]


class _ProgressBar:
    """A tqdm bar on a terminal; silent when the output is a file or a pipe (cron, CI)."""

    def __init__(self, *, enabled: bool, file: TextIO | None = None) -> None:
        self.enabled = enabled
        self._file = file
        self._bar: tqdm | None = None
        self._phase = ""

    def update(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self._bar is None or phase != self._phase:
            self.close()
            self._phase = phase
            # The first report already counts rows done (every 10,000): the bar starts there, and
            # tqdm times the rate from it. Started at 0 and set to 10,000 a moment later, it showed
            # those rows over the microseconds since its creation ("1.75Grows/s").
            self._bar = tqdm(total=total, initial=done, desc=phase, unit="rows", unit_scale=True, file=self._file)
            return
        if total is not None:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    @contextmanager
    def logs_through_bar(self) -> Iterator[None]:
        """While the bar shows, log lines go above it (tqdm.write) instead of through it."""
        if not self.enabled:
            yield
            return
        with logging_redirect_tqdm(loggers=[logging.root]):
            yield
