"""`manage.py import_appointments FILE [--user USERNAME] [--municipality CODE] [--skip-bad-rows]`: import a
department's appointments and their outcome (from the job centre's booking system). See
`outreach.services_import`."""

from django.core.management.base import BaseCommand

from samspil.outreach import services_import
from samspil.outreach.management.commands.import_outreach import importing_user, run_import
from samspil.segmentation.management.commands import _municipality


class Command(BaseCommand):
    help = "Import appointments and their outcome from a CSV file (all or nothing unless --skip-bad-rows)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and report the bad ones (default: a bad row stops the whole file).",
        )
        _municipality.add_argument(parser)
        parser.add_argument("--user", help="User name recorded as having registered the appointments.")

    def handle(self, *args, file, skip_bad_rows, municipality, user, **options):
        municipality = _municipality.municipality_for(municipality)
        actor = importing_user(user, municipality, required=False)
        run_import(
            self,
            lambda: services_import.appointments_import(
                municipality=municipality, path=file, actor=actor, skip_bad_rows=skip_bad_rows
            ),
            file=file,
        )
