from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samspil.demo import bench
from samspil.demo.guards import require_bench_database


class Command(BaseCommand):
    help = "Seed a Copenhagen-scale municipality into PostgreSQL and measure the main pages (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--pathways", type=int, default=bench.PATHWAYS)
        parser.add_argument("--requests", type=int, default=60)
        parser.add_argument("--port", type=int, default=8765, help="where the measured gunicorn listens")
        parser.add_argument("--report", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, **options):
        require_bench_database()
        # The server runs with DEBUG off, so it serves the collected, hashed static files: collect them first.
        call_command("collectstatic", interactive=False, verbosity=0)
        seeded = bench.seed(pathways=options["pathways"])
        from samspil.pathways.models import Pathway
        from samspil.plans.models import Agreement, Goal

        municipality_id = seeded.user.municipality_id
        counts = {
            "pathways": Pathway.objects.filter(municipality_id=municipality_id).count(),
            "items": Goal.objects.filter(municipality_id=municipality_id).count()
            + Agreement.objects.filter(municipality_id=municipality_id).count(),
        }
        results = bench.measure(seeded, requests=options["requests"], port=options["port"])
        report = bench.write_report(results, counts=counts, path=Path(options["report"]))
        self.stdout.write(report)
