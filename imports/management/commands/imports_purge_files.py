"""Delete the personal data an ended import no longer needs: its uploaded file and its error report."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports import services


class Command(BaseCommand):
    help = (
        "Delete the uploaded mapping file and the error report (both hold names, mobiles and raw rows) "
        "of every import batch that ended (applied, failed or rolled back) more than "
        "IMPORTS_FILE_RETENTION_DAYS days ago (default 30), with the staging rows a failed batch may "
        "still hold. Keeps the batch itself, its counts, its SHA-256 and the history that rollback "
        "uses, so an applied batch can still be rolled back. A batch validated that long ago and never "
        "applied is expired (its preview is out of date): it ends failed and loses its file and checked "
        "rows. Never touches a batch that is queued or running. A failed batch whose file is deleted "
        "cannot be run again: upload the file anew. --dry-run counts without deleting. Run it daily (cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days, overriding IMPORTS_FILE_RETENTION_DAYS for this run (at least 1).",
        )

    def handle(self, *args: object, **options: object) -> None:
        days = options["days"] if options["days"] is not None else settings.IMPORTS_FILE_RETENTION_DAYS
        assert isinstance(days, int)
        if days < 1:
            raise CommandError("--days must be at least 1.")
        dry_run = bool(options["dry_run"])
        try:
            result = services.import_files_purge(retention_days=days, dry_run=dry_run)
        except OSError as error:
            # Storage refused a deletion: that batch keeps its files and the next run tries again.
            raise CommandError(f"Stopped: storage refused a deletion ({type(error).__name__}).") from None
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} the files of {result.batches} batches that ended more than {days} days ago: "
            f"{result.files} files, {result.staging_rows} staging rows."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing deleted.")
