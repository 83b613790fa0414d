import time

from django.core.management.base import BaseCommand

from samspil.demo.loader import load_demo, summary


class Command(BaseCommand):
    help = (
        "Build the fictional demo municipality Demokommune (code 999) with staff, citizens and pathways. "
        "Idempotent: running it again changes nothing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        municipality, created = load_demo()
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
                f"'demo' when SAMSPIL_DEMO_MODE and DJANGO_DEBUG are on."
            )
        )
