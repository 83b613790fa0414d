"""Make the access log's monthly partitions for this month and the coming ones (PostgreSQL; idempotent).

    python manage.py audit_partitions [--ahead 3]

Also makes the partition of every month that has rows waiting in the default partition, moving them there. Run
daily by Celery beat (`samspil.audit.access_log_partitions`), or by the owner of the tables from cron when the
application runs under its own role (README "Production"). See `samspil/audit/partitions.py`.
"""

from django.core.management.base import BaseCommand, CommandError

from samspil.audit import partitions


class Command(BaseCommand):
    help = "Make the access log's monthly partitions for this month and the coming ones (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ahead", type=int, default=None, help="months ahead (default SAMSPIL_ACCESS_LOG_PARTITIONS_AHEAD)"
        )

    def handle(self, *args, ahead, **options):
        if not partitions.supported():
            self.stdout.write("The access log is partitioned on PostgreSQL only; nothing to do on this database.")
            return
        if ahead is not None and ahead < 0:
            raise CommandError("--ahead is 0 or more.")
        made = partitions.ensure(ahead=ahead)
        for name in made:
            self.stdout.write(f"made {name}")
        self.stdout.write(f"{len(made)} partition(s) made.")
