import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from samspil.demo import bench
from samspil.demo.guards import require_bench_database

PHASES = ("all", "seed", "small", "log", "log-write")


class Command(BaseCommand):
    help = (
        "Seed a Copenhagen-scale municipality into PostgreSQL (and a small one beside it) and measure the pages as "
        "ratios to the floor view, both sizes, a mixed load, writes and the access log (make bench)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pathways", type=int, default=bench.PATHWAYS)
        parser.add_argument("--small-pathways", type=int, default=bench.SMALL_PATHWAYS)
        parser.add_argument("--requests", type=int, default=40, help="samples of each page (and of the floor)")
        parser.add_argument("--writes", type=int, default=30, help="agreements saved on each of the two plans")
        parser.add_argument("--clients", type=int, default=16, help="client threads of the mixed load")
        parser.add_argument("--seconds", type=float, default=60, help="length of the mixed load and of the floor's")
        parser.add_argument("--log-rows-small", type=int, default=bench.LOG_ROWS_SMALL)
        parser.add_argument("--log-rows-large", type=int, default=bench.LOG_ROWS_LARGE)
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            choices=["small", "log", "mixed", "writes"],
            help="leave a part out (repeatable); the report says it was not measured",
        )
        parser.add_argument(
            "--small-database", default="", help="the small size's database (default: <bench database>_small)"
        )
        parser.add_argument("--note", default="", help="a sentence for the report (e.g. what shared the machine)")
        parser.add_argument("--log-note", default="", help="a sentence for the access-log section")
        parser.add_argument(
            "--port", type=int, default=bench.bench_port(), help="where the measured gunicorn listens (BENCH_PORT)"
        )
        parser.add_argument(
            "--small-port", type=int, default=0, help="where the small size's gunicorn listens (default: --port + 1)"
        )
        parser.add_argument("--phase", choices=PHASES, default="all", help=("internal: one part, answering JSON"))
        parser.add_argument("--log-rows", type=int, default=0, help="internal: the rows of --phase log")
        parser.add_argument("--report", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, **options):
        require_bench_database()
        phase = options["phase"]
        if phase == "seed":
            bench.seed(pathways=options["pathways"])
            return
        if phase == "small":
            seeded = bench.seed(pathways=options["small_pathways"])
            self.stdout.write(json.dumps(bench.prepare_small(seeded)))
            return
        if phase == "log":
            seeded = bench.seed(pathways=options["small_pathways"])
            self.stdout.write(json.dumps(bench.prepare_log(seeded, rows=options["log_rows"])))
            return
        if phase == "log-write":
            seeded = bench.seed(pathways=options["small_pathways"])
            self.stdout.write(json.dumps(bench.timed_log_write(seeded, samples=options["requests"])))
            return
        self.run_all(options)

    def run_all(self, options):
        started = time.monotonic()
        small_port = options["small_port"] or options["port"] + 1
        bench.require_ports(options["port"], None if "small" in options["skip"] else small_port)
        load_start = bench.load_average()
        # The server runs with DEBUG off, so it serves the collected, hashed static files: collect them first.
        call_command("collectstatic", interactive=False, verbosity=0)
        seeded = bench.seed(pathways=options["pathways"])
        url = os.environ.get("DATABASE_URL") or bench.DEFAULT_DATABASE_URL
        name = connection.settings_dict["NAME"]
        skip = set(options["skip"])
        common = ["--port", str(options["port"]), "--requests", str(options["requests"])]
        common += ["--small-pathways", str(options["small_pathways"])]

        small = None
        small_name = options["small_database"] or f"{name}_small"
        if "small" not in skip:
            bench.create_database(url, small_name)
            bench._log(f"small size: {small_name}")
            small_url = bench.database_url_with_name(url, small_name)
            small = {**bench.run_phase(small_url, "small", common), "url": small_url}

        from samspil.pathways.models import Pathway
        from samspil.plans.models import Agreement, Goal

        municipality_id = seeded.user.municipality_id
        counts = {
            "pathways": Pathway.objects.filter(municipality_id=municipality_id).count(),
            "items": Goal.objects.filter(municipality_id=municipality_id).count()
            + Agreement.objects.filter(municipality_id=municipality_id).count(),
        }
        main = bench.run_main(
            seeded,
            port=options["port"],
            requests=options["requests"],
            writes=0 if "writes" in skip else options["writes"],
            clients=options["clients"],
            seconds=0 if "mixed" in skip else options["seconds"],
            small=small,
            small_port=small_port,
        )
        sizes = main.pop("sizes", None)
        connection.close()  # the log databases are copied from the small one, not from this

        log = {"note": options["log_note"]}
        if "log" not in skip and small is not None:
            parts = {}
            for size, suffix, rows in (
                ("small", "_log", options["log_rows_small"]),
                ("large", "_log_large", options["log_rows_large"]),
            ):
                log_name = f"{name}{suffix}"
                bench.create_database(url, log_name, template=small_name)
                bench._log(f"access log, {rows:,} rows: {log_name}")
                log_url = bench.database_url_with_name(url, log_name)
                parts[size] = {
                    **bench.run_phase(log_url, "log", [*common, "--log-rows", str(rows)]),
                    "url": log_url,
                }
            log_started = time.monotonic()
            pages = bench.measure_log(
                parts, ports={"small": options["port"], "large": small_port}, requests=options["requests"]
            )
            bench._log(f"access log, both sizes: {time.monotonic() - log_started:.0f} s")
            for size, part in parts.items():
                write = bench.run_phase(part["url"], "log-write", common)
                log[size] = {
                    "rows": part["rows"],
                    "generation": part["generation"],
                    "pages": pages[size],
                    "write": write,
                }

        results = {
            **main,
            "date": f"{timezone.now():%d.%m.%Y %H:%M} UTC",
            "machine": bench.machine(),
            "load_start": load_start,
            "load_end": bench.load_average(),
            "note": options["note"],
            "counts": counts,
            "sizes": bench.sizes_result(sizes["small"], sizes["large"]) if sizes else None,
            "write_count": options["writes"],
            "log": log,
        }
        text = bench.write_report(results, path=Path(options["report"]))
        self.stdout.write(text)
        bench._log(f"make bench: {time.monotonic() - started:.0f} s")
