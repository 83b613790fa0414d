"""Drop the access log's monthly partitions past the retention period (PostgreSQL).

    python manage.py audit_retention [--dry-run] [--months 60]

A partition goes when its whole month ended more than `SAMSPIL_ACCESS_LOG_RETENTION_MONTHS` months ago (default 60,
README "Configuration" gives the legal basis): DETACH PARTITION, then DROP TABLE, in one transaction. Rows are never
deleted one by one, and the default partition is never dropped. `--dry-run` prints what would go. Refused on SQLite,
where the log is one table. See `samspil/audit/partitions.py`.
"""

from django.core.management.base import BaseCommand, CommandError

from samspil.audit import partitions


class Command(BaseCommand):
    help = "Drop the access log's monthly partitions past SAMSPIL_ACCESS_LOG_RETENTION_MONTHS (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print the partitions that would be dropped")
        parser.add_argument("--months", type=int, default=None, help="retention in months (default: the setting)")

    def handle(self, *args, dry_run, months, **options):
        if not partitions.supported():
            raise CommandError(
                "audit_retention works on PostgreSQL only: there the access log is partitioned by month and whole "
                "months are dropped. On SQLite (development) the log is one table and is kept."
            )
        try:
            cutoff = partitions.retention_cutoff(months=months)
        except ValueError as error:
            raise CommandError(str(error)) from None
        expired = partitions.expired(months=months)
        self.stdout.write(f"Retention: rows from before {cutoff:%d.%m.%Y} (UTC) go.")
        if dry_run:
            for partition in expired:
                self.stdout.write(f"would drop {partition.name}")
            self.stdout.write(f"{len(expired)} partition(s) would be dropped (dry run).")
            return
        for name in partitions.drop(expired):
            self.stdout.write(f"dropped {name}")
        self.stdout.write(f"{len(expired)} partition(s) dropped.")
