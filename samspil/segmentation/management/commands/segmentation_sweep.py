"""`manage.py segmentation_sweep [--hours N]`: fail imports stuck waiting or running, and delete their files."""

import datetime

from django.core.management.base import BaseCommand

from samspil.segmentation import services


class Command(BaseCommand):
    help = (
        "Mark consumption imports that have waited or run longer than N hours as failed and delete their "
        "uploaded files (and uploaded files no unfinished import names)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="Older than this many hours counts as stuck (default: SAMSPIL_IMPORT_STALE_HOURS, 6).",
        )

    def handle(self, *args, hours, **options):
        older_than = datetime.timedelta(hours=hours) if hours is not None else None
        failed = services.consumption_import_sweep(older_than=older_than)
        self.stdout.write(f"{failed} stuck import(s) marked failed.")
