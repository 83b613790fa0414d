"""`manage.py import_consumption FILE [--skip-bad-rows]`: import service consumption with a progress bar."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samspil.segmentation import reader, services
from samspil.segmentation.choices import ImportMode, ImportStatus
from samspil.segmentation.importer import BAD_ROWS_KEPT
from samspil.segmentation.management.commands import _municipality

BAR_WIDTH = 30
SHOWN_BAD_ROWS = 50


class Command(BaseCommand):
    help = "Import a service-consumption file (CSV or XLSX) for a municipality."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and report the bad ones (default: a bad row stops the whole file).",
        )
        _municipality.add_argument(parser)
        parser.add_argument("--user", help="User name recorded as the importer.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file, skip_bad_rows, municipality, user, no_progress, **options):
        municipality = _municipality.municipality_for(municipality)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, municipality=municipality).first()
            if actor is None:
                raise CommandError(f"No user {user} in {municipality}.")
        try:
            job = services.consumption_import_for_path(
                municipality_id=municipality.pk,
                path=file,
                mode=ImportMode.SKIP_BAD_ROWS if skip_bad_rows else ImportMode.ALL_OR_NOTHING,
                actor=actor,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        show = not no_progress and options["verbosity"] > 0
        job = services.consumption_import_run(job=job, path=file, on_progress=self._bar if show else None)
        if show:
            sys.stderr.write("\n")
        self._summary(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.error)
        if job.status == ImportStatus.REJECTED:
            raise CommandError(
                f"Nothing was imported: {job.rows_bad} bad rows. Fix them, or run again with --skip-bad-rows."
            )

    @staticmethod
    def _bar(phase, rows, fraction):
        filled = int(BAR_WIDTH * fraction)
        label = {"reading": "reading", "saving": "saving ", "done": "done   "}.get(phase, phase)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:6.1%} {rows:>12,} rows")
        sys.stderr.flush()

    def _summary(self, job):
        self.stdout.write(
            f"{job.status}: {job.rows_read} rows read, {job.rows_imported} imported, "
            f"{job.rows_present} already present, {job.rows_bad} bad"
            + (f" ({job.duration_seconds:.1f} s)" if job.duration_seconds is not None else "")
        )
        for line, code in job.bad_rows[:SHOWN_BAD_ROWS]:
            self.stdout.write(f"  line {line}: {reader.reason_text(code)}")
        if job.rows_bad > SHOWN_BAD_ROWS:
            kept = min(job.rows_bad, BAD_ROWS_KEPT)
            self.stdout.write(
                f"  … and {job.rows_bad - SHOWN_BAD_ROWS} more (the first {kept:,} are kept on the import record)."
            )
