import time

from django.core.management.base import BaseCommand, CommandError

from samspil.demo.guards import require_demo_mode
from samspil.demo.loader import NotADemoDatabase, load_demo, summary


class Command(BaseCommand):
    help = (
        "Build the fictional demo municipality Demokommune (code 999) with staff, citizens and pathways. "
        "Idempotent: running it again changes nothing. Demo mode only, into a database of its own."
    )

    def handle(self, *args, **options):
        require_demo_mode()
        started = time.monotonic()
        try:
            municipality, created = load_demo()
        except NotADemoDatabase as refused:
            raise CommandError(str(refused)) from None
        elapsed = time.monotonic() - started
        if created:
            self.stdout.write("Created: " + ", ".join(f"{count} {what}" for what, count in created.items()))
        else:
            self.stdout.write("Nothing to do: the demo municipality is complete.")
        self.stdout.write(f"{municipality.name} ({municipality.code}) now holds:")
        for what, count in summary(municipality).items():
            self.stdout.write(f"  {what}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {elapsed:.1f} s. Demo users log in with password "
                f"'demo' when SAMSPIL_DEMO_MODE and DJANGO_DEBUG are on; demo citizens (demo-ung, demo-borger, "
                f"demo-forælder) through Demo-MitID at /borger/log-ind/."
            )
        )
