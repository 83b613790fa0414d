"""What keeps the demo and the benchmarks out of a real municipality's database.

The demo municipality is loaded only in demo mode (`settings.DEMO_MODE`: SAMSPIL_DEMO_MODE and DJANGO_DEBUG both
on, as `make demo` sets them), and the loader itself refuses a database that holds any other municipality. The
benchmarks run with DEBUG off on purpose (they measure the production settings), so demo mode cannot be their
guard: they run only against PostgreSQL databases of their own, whose names start with `samspil_bench` (`make
bench` and `make bench-import` create `samspil_bench` and `samspil_bench_import`). The import benchmark empties
the consumption tables before each run: on any other database that would destroy real data.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

BENCH_DATABASE_PREFIX = "samspil_bench"


def require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise CommandError(
            "The demo municipality is loaded only in demo mode: set SAMSPIL_DEMO_MODE=1 and DJANGO_DEBUG=1 "
            "(`make demo` does). Never on a production database."
        )


def require_bench_database(database=None) -> None:
    """Refuse unless `database` (the default connection) is a PostgreSQL database named `samspil_bench…`."""
    database = database or connection
    name = str(database.settings_dict.get("NAME") or "")
    if not name.startswith(BENCH_DATABASE_PREFIX):
        raise CommandError(
            f"The benchmarks write only into a database of their own whose name starts with "
            f"{BENCH_DATABASE_PREFIX!r}, not {name!r}: set DATABASE_URL (`make bench` and `make bench-import` do)."
        )
    if database.vendor != "postgresql":
        raise CommandError("The benchmarks measure PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
