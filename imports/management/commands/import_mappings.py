"""Import a mapping file from the command line: the same pipeline as the admin, run in this process."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from tqdm import tqdm

from imports import selectors, services
from imports.models import ImportBatch
from imports.reasons import ROW_REASONS, file_error_message


class Command(BaseCommand):
    help = (
        "Check a CSV or XLSX old-to-new mapping file and apply it to the live lookup table in one "
        "transaction. Refused rows are listed (and written to an error report) but do not stop the "
        "others; a file that cannot be read, or lacks the old/new number columns, is refused as a "
        "whole and nothing changes (exit status 1). --dry-run checks without applying; --yes "
        "applies without asking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and show the preview only.")
        parser.add_argument("--yes", action="store_true", help="Apply without asking for confirmation.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        bar = _ProgressBar(enabled=self.stdout.isatty() if hasattr(self.stdout, "isatty") else False)

        with path.open("rb") as handle:
            batch = services.import_batch_create(
                uploaded_file=File(handle, name=path.name),
                original_name=path.name,
                user=None,
                apply_when_valid=False,
                queue=False,  # this process runs the pipeline itself, broker or not
            )
        batch = services.import_batch_validate(batch_id=batch.pk, progress=bar.update)
        bar.close()
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(
                f"Batch #{batch.pk}: file refused: {file_error_message(batch.failure_code, batch.failure_detail)}"
            )
        self._summary(batch, heading="Checked")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing applied.")
            return
        if not options["yes"] and not self._confirmed(batch):
            raise CommandError("Not applied. Run again with --yes to apply without asking.")

        batch = services.import_batch_apply(batch_id=batch.pk, progress=bar.update)
        bar.close()
        if batch.status != ImportBatch.Status.APPLIED:
            raise CommandError(
                f"Batch #{batch.pk}: not applied: {file_error_message(batch.failure_code, batch.failure_detail)}"
            )
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
            self.stdout.write(f"  refused {count:>8} {code}: {ROW_REASONS.get(code, code)}")
        if batch.error_report:
            self.stdout.write(f"Refused rows: {batch.error_report.path}")

    def _confirmed(self, batch: ImportBatch) -> bool:
        if not sys.stdin.isatty():
            return False
        answer = input(f"Apply {batch.count_new} new and {batch.count_changed} changed mappings? [y/N] ")
        return answer.strip().lower() in {"y", "yes"}


def _in_both_languages(render: Callable[[], list[str]]) -> list[str]:
    """Each sentence as "English / हिन्दी": operators and the billing team read either."""
    with translation.override("en"):
        english = render()
    with translation.override("hi"):
        hindi = render()
    return [en if en == hi else f"{en} / {hi}" for en, hi in zip(english, hindi, strict=True)]


class _ProgressBar:
    """A tqdm bar on a terminal; silent when the output is a file or a pipe (cron, CI)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: tqdm | None = None
        self._phase = ""

    def update(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self._bar is None or phase != self._phase:
            self.close()
            self._phase = phase
            self._bar = tqdm(total=total, desc=phase, unit="rows", unit_scale=True)
        if total is not None:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
