"""`manage.py bench_import`: the consumption-import benchmark (see samspil/demo/bench_import.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from samspil.demo import bench_import as bench
from samspil.demo.guards import require_bench_database


class Command(BaseCommand):
    help = "Generate 1,000,000 consumption rows, import them into PostgreSQL, write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--persons", type=int, default=50_000)
        parser.add_argument("--work-dir", default=str(Path(settings.BASE_DIR) / "var" / "bench"))
        parser.add_argument("--docs", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, rows, persons, work_dir, docs, **options):
        require_bench_database()
        figures = bench.run(
            work_dir=Path(work_dir), docs=Path(docs), rows=rows, persons=persons, write=self.stdout.write
        )
        for key in ("small", "big", "again"):
            run = figures[key]
            self.stdout.write(f"{key:>6}: {run['seconds']:6.1f} s, peak RSS {run['rss_mb']:5.0f} MB  {run['summary']}")
