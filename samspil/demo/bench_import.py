"""The consumption-import benchmark behind `make bench-import` (`manage.py bench_import`).

It generates deterministic CSV files (1,000,000 and 250,000 rows; about 50,000 and 12,500 persons across
eight departments, costs skewed so a few persons hold much of the total), imports each into an empty
PostgreSQL database in a child process (`manage.py import_consumption`), measures wall time and the child's
peak RSS, imports the large file again to show idempotency, and writes the figures into
docs/benchmarks.md between the bench-import markers (the rest of the file is left alone).

The generator is `random.Random(seed)`: test data, not secrets.
"""

import datetime
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

DEPARTMENTS = [
    ("Jobcenter", ["JC-KH", "JC-RF", "JC-SD", "JC-LT"]),
    ("Ydelsescenter", ["YC-KH", "YC-BS", "YC-RY"]),
    ("Børn og Unge", ["BU-FB", "BU-AN", "BU-PP"]),
    ("Handicap, børn", ["HB-TI", "HB-AF"]),
    ("Socialområdet, voksne", ["SV-BS", "SV-SKP", "SV-BO"]),
    ("Sundhed", ["SU-GO", "SU-HP"]),
    ("Misbrugsbehandling", ["MB-AM", "MB-DB"]),
    ("Ungdommens Uddannelsesvejledning", ["UU-VJ"]),
]
START_MARKER = "<!-- bench-import:start -->"
END_MARKER = "<!-- bench-import:end -->"


def fictional_cpr(rng: random.Random) -> str:
    """A CPR number of the right form drawn from `rng`: born 1945–2004, with the matching seventh digit."""
    born = datetime.date(1945, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
    seventh = rng.randint(0, 3) if born.year < 2000 else rng.choice((4, 9))
    return f"{born:%d%m%y}{seventh}{rng.randint(0, 999):03d}"


def generate(path: Path, *, rows: int, persons: int, seed: int = 2026) -> None:
    """A CSV of `rows` rows for `persons` persons; the same arguments always give the same file."""
    rng = random.Random(seed)
    people = []
    seen = set()
    while len(people) < persons:
        number = fictional_cpr(rng)
        if number not in seen:
            seen.add(number)
            # How many departments the person draws on, and how expensive they are: most are cheap.
            reach = min(len(DEPARTMENTS), 1 + int(rng.paretovariate(1.6)))
            weight = rng.paretovariate(1.2)
            people.append((number, rng.sample(range(len(DEPARTMENTS)), reach), weight))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("cpr;department;service_code;service_name;period_start;period_end;amount_dkk\n")
        for _ in range(rows):
            number, departments, weight = people[rng.randrange(persons)]
            name, codes = DEPARTMENTS[rng.choice(departments)]
            code = rng.choice(codes)
            month = rng.randrange(1, 13)
            start = datetime.date(2025, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            amount = f"{min(rng.expovariate(1 / 2500) * weight, 9_999_999):.2f}"
            if rng.random() < 0.5:  # both decimal separators occur
                amount = amount.replace(".", ",")
            out.write(f"{number};{name};{code};Ydelse {code};{start};{end};{amount}\n")


def _child_import(path: Path, env: dict) -> dict:
    """Import `path` in a child process; its wall time, peak RSS (MB) and summary line."""
    started = time.monotonic()
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py, a path we generated)
        [sys.executable, "manage.py", "import_consumption", str(path), "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    out, err = child.stdout.read(), child.stderr.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"import failed: {err or out}")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "summary": out.strip().splitlines()[0]}


def _latest_timings() -> dict:
    from samspil.segmentation.models import ConsumptionImport

    latest = ConsumptionImport.objects.order_by("-id").first()
    return latest.timings if latest else {}


def _empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE segmentation_candidateclassification, segmentation_consumptionrecord, "
            "segmentation_consumptionsubject, segmentation_consumptionimport CASCADE"
        )


def run(*, work_dir: Path, docs: Path, rows: int = 1_000_000, persons: int = 50_000, write=print) -> dict:
    from samspil.organisations.models import Municipality

    if not Municipality.objects.exists():
        Municipality.objects.create(name="Benchkommune", code="999")
    small_rows, small_persons = rows // 4, persons // 4
    big, small = work_dir / f"consumption-{rows}.csv", work_dir / f"consumption-{small_rows}.csv"
    for path, count, people in ((big, rows, persons), (small, small_rows, small_persons)):
        if not path.exists():
            write(f"generating {path} ({count:,} rows)")
            generate(path, rows=count, persons=people)
    env = dict(os.environ)
    figures = {}
    _empty_tables()
    write(f"importing {small_rows:,} rows")
    figures["small"] = _child_import(small, env)
    _empty_tables()
    write(f"importing {rows:,} rows")
    figures["big"] = _child_import(big, env)
    figures["timings"] = _latest_timings()
    write(f"importing {rows:,} rows again")
    figures["again"] = _child_import(big, env)
    figures.update(rows=rows, small_rows=small_rows, persons=persons, small_persons=small_persons)
    figures["big_mb"] = big.stat().st_size / 1024 / 1024
    write_section(docs, _section(figures))
    return figures


def _section(f: dict) -> str:
    from django.db import connection

    today = datetime.date.today().strftime("%d.%m.%Y")
    verdict = "within" if f["big"]["seconds"] < 60 else "NOT within"
    return "\n".join(
        [
            START_MARKER,
            "## Import of service consumption (`make bench-import`)",
            "",
            f"Run {today} on PostgreSQL {connection.pg_version // 10000} (database `samspil_bench_import`), "
            f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f} when the run ended: other work "
            "shares the machine). Deterministic CSV files (`;`-separated, half the amounts with a decimal comma) with "
            f"{len(DEPARTMENTS)} departments; each import runs as `manage.py import_consumption` in its own "
            "process, so wall time includes Django's start-up and the peak RSS is that process's alone.",
            "",
            "| import | rows | persons | wall time | peak RSS | result |",
            "|---|---:|---:|---:|---:|---|",
            f"| first import | {f['small_rows']:,} | {f['small_persons']:,} | {f['small']['seconds']:.1f} s "
            f"| {f['small']['rss_mb']:.0f} MB | {f['small']['summary']} |",
            f"| first import ({f['big_mb']:.0f} MB file) | {f['rows']:,} | {f['persons']:,} | "
            f"{f['big']['seconds']:.1f} s | {f['big']['rss_mb']:.0f} MB | {f['big']['summary']} |",
            f"| same file again (idempotent) | {f['rows']:,} | {f['persons']:,} | {f['again']['seconds']:.1f} s "
            f"| {f['again']['rss_mb']:.0f} MB | {f['again']['summary']} |",
            "",
            f"Inside the 1,000,000-row import: reading, checking and COPY to staging {_t(f, 'read_and_stage')}, "
            f"INSERT … SELECT … ON CONFLICT {_t(f, 'save')}, commit (deferred foreign-key checks) "
            f"{_t(f, 'commit')}.",
            "",
            f"Goal: one million rows in under 60 s: **{verdict}**. Memory: the importer holds one batch of "
            "50,000 rows plus one cache entry per distinct person (blind index, encryption), never the file: "
            f"four times the rows (and persons) raised peak RSS by {f['big']['rss_mb'] - f['small']['rss_mb']:.0f} MB.",
            END_MARKER,
        ]
    )


def _t(f: dict, key: str) -> str:
    seconds = f.get("timings", {}).get(key)
    return "–" if seconds is None else f"{seconds:.1f} s"


def write_section(docs: Path, section: str) -> None:
    """Replace only the text between the markers (append the section when the markers are missing)."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(START_MARKER) + r".*?" + re.escape(END_MARKER), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    docs.write_text(text, encoding="utf-8")
