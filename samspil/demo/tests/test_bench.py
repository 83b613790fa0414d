"""The benchmark's pure parts: URLs and ports, percentiles and ratios, the report (no timing here)."""

import math
import random

import pytest

from samspil.demo import bench


@pytest.fixture(autouse=True)
def machine(monkeypatch):
    monkeypatch.setattr(bench, "machine", lambda: "2 cores (test)")  # the real one asks PostgreSQL


# --- URLs and ports


def test_the_database_name_comes_from_the_url():
    assert bench.database_name("postgres://postgres@127.0.0.1:5432/samspil_bench") == "samspil_bench"
    assert bench.database_name("postgres://u:p@db.example:6432/samspil_bench_2?sslmode=require") == "samspil_bench_2"


def test_another_database_on_the_same_server():
    url = "postgres://u:p@db.example:6432/samspil_bench?sslmode=require"
    assert bench.database_url_with_name(url, "samspil_bench_small") == (
        "postgres://u:p@db.example:6432/samspil_bench_small?sslmode=require"
    )
    assert bench.database_url_with_name(url, "postgres").startswith("postgres://u:p@db.example:6432/postgres")


def test_the_port_comes_from_bench_port():
    assert bench.bench_port({}) == 8765
    assert bench.bench_port({"BENCH_PORT": ""}) == 8765
    assert bench.bench_port({"BENCH_PORT": "9123"}) == 9123
    with pytest.raises(ValueError):
        bench.bench_port({"BENCH_PORT": "70000"})
    with pytest.raises(ValueError):
        bench.bench_port({"BENCH_PORT": "many"})


def test_the_ports_are_checked_before_the_run():
    import socket

    with pytest.raises(RuntimeError, match="is the run's own port"):
        bench.require_ports(9001, 9001)
    with pytest.raises(RuntimeError, match="--small-port 65536 is not a port"):
        bench.require_ports(65535, 65536)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"port {busy} is in use: stop what listens there or set --small-port"):
            bench.require_ports(_free_port(), busy)
    bench.require_ports(_free_port(), None)  # the small size not measured: only the run's port


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- percentiles and ratios


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))  # 1 … 100
    assert bench.percentile(values, 0.95) == 95
    assert bench.percentile(values, 0.5) == 51  # round(49.5) is 50 (banker's rounding): the 51st value
    assert bench.percentile([7.0], 0.95) == 7.0
    assert bench.percentile([3, 1, 2], 1.0) == 3  # unsorted input
    with pytest.raises(ValueError):
        bench.percentile([], 0.95)


def test_the_order_puts_the_floor_before_every_page():
    assert bench.interleaved_order(["a", "b"]) == ["floor", "a", "floor", "b"]


def test_pairs_are_asked_in_turn_each_page_on_its_own_server():
    """Two HTTP servers (the two municipality sizes): each pair's floor before its page, a page with its own port
    asked there, the warm-up rounds not kept."""
    import http.server
    import threading

    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # the standard library's name
            asked.append((self.server.server_address[1], self.path))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    servers = [http.server.HTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    large, small = (server.server_address[1] for server in servers)
    try:
        pairs = [
            (bench.Page("floor", "/gulv/", "a"), bench.Page("side", "/side/", "a")),
            (bench.Page("gulv lille", "/gulv/", "b", port=small), bench.Page("side lille", "/side/", "b", port=small)),
        ]
        timings = bench.interleaved_pairs(large, pairs, rounds=3, warmup=1)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    one_round = [(large, "/gulv/"), (large, "/side/"), (small, "/gulv/"), (small, "/side/")]
    assert asked == one_round * 4
    assert {name: len(values) for name, values in timings.items()} == {
        "floor": 3,
        "side": 3,
        "gulv lille": 3,
        "side lille": 3,
    }


def test_both_sizes_are_measured_in_one_run_each_against_its_own_floor(monkeypatch):
    """`measure_sizes`: the small size on a second server on its own database, both pairs in one interleaved run, and
    its answer is what the report's `sizes_result` takes."""
    started = []

    class FakeServer:
        def __init__(self, port, *, database_url=""):
            started.append((port, database_url))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_pairs(port, pairs, *, rounds, warmup):
        assert port == 9001 and rounds == 20 and warmup >= 3
        (large_floor, large_page), (small_floor, small_page) = pairs
        assert (large_floor.port, large_page.port, small_floor.port, small_page.port) == (0, 0, 9002, 9002)
        assert (large_page.cookie, small_floor.cookie, small_page.cookie) == ("five-l", "user-s", "five-s")
        times = {large_floor.name: 10.0, large_page.name: 30.0, small_floor.name: 8.0, small_page.name: 22.0}
        return {name: [value] * rounds for name, value in times.items()}

    monkeypatch.setattr(bench, "Server", FakeServer)
    monkeypatch.setattr(bench, "interleaved_pairs", fake_pairs)
    small = {
        "pathways": 3507,
        "cookies": {"user": "user-s", "five": "five-s"},
        "url": "postgres:///samspil_bench_small",
    }
    sizes = bench.measure_sizes(9001, {"user": "user-l", "five": "five-l"}, small, small_port=9002, requests=20)
    assert started == [(9002, "postgres:///samspil_bench_small")]
    result = bench.sizes_result(sizes["small"], sizes["large"])
    assert result["small"]["r_median"] == pytest.approx(2.75) and result["large"]["r_median"] == pytest.approx(3.0)
    assert result["small_pathways"] == 3507 and result["met"] is True  # 3.0 / 2.75: 9 % apart


def test_the_access_log_sizes_are_measured_in_one_run_each_against_its_own_floor(monkeypatch):
    """`measure_log`: a server on each size's database, each page at one size right after the same page at the
    other, each after its own size's floor; each size's rows are ratios to its own floor, as `log_result` takes."""
    started, stopped = [], []

    class FakeServer:
        def __init__(self, port, *, database_url=""):
            self.port = port
            started.append((port, database_url))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            stopped.append(self.port)
            return False

    def part(size, times):
        return {
            "url": f"postgres:///log_{size}",
            "cookies": {"user": f"user-{size}", "citizen": f"citizen-{size}", "five": f"five-{size}"},
            "paths": [
                ["Adgangslog (koordinator)", f"/log/{size}/", "user"],
                [bench.INSIGHT_PAGE, "/indsigt/", "citizen"],
            ],
            "times": times,
        }

    parts = {"small": part("small", (10.0, 50.0, 40.0)), "large": part("large", (12.0, 66.0, 48.0))}

    def fake_pairs(port, pairs, *, rounds, warmup):
        assert rounds == 20 and warmup >= 3 and len(started) == 2 and not stopped  # both servers up while measured
        asked = [
            (floor.name, floor.port, floor.cookie, page.name, page.port, page.path, page.cookie)
            for floor, page in pairs
        ]
        assert asked == [
            (
                "floor (small)",
                9001,
                "user-small",
                "Adgangslog (koordinator) (small)",
                9001,
                "/log/small/",
                "user-small",
            ),
            (
                "floor (large)",
                9002,
                "user-large",
                "Adgangslog (koordinator) (large)",
                9002,
                "/log/large/",
                "user-large",
            ),
            ("floor (small)", 9001, "user-small", bench.INSIGHT_PAGE + " (small)", 9001, "/indsigt/", "citizen-small"),
            ("floor (large)", 9002, "user-large", bench.INSIGHT_PAGE + " (large)", 9002, "/indsigt/", "citizen-large"),
        ]
        times = {}
        for size, own in parts.items():
            floor, log_page, insight = own["times"]
            times[f"floor ({size})"] = floor
            times[f"Adgangslog (koordinator) ({size})"] = log_page
            times[f"{bench.INSIGHT_PAGE} ({size})"] = insight
        return {name: [value] * rounds for name, value in times.items()}

    monkeypatch.setattr(bench, "Server", FakeServer)
    monkeypatch.setattr(bench, "interleaved_pairs", fake_pairs)
    pages = bench.measure_log(parts, ports={"small": 9001, "large": 9002}, requests=20)
    assert started == [(9001, "postgres:///log_small"), (9002, "postgres:///log_large")] and len(stopped) == 2
    small = {row["page"]: row["r_median"] for row in pages["small"]}
    large = {row["page"]: row["r_median"] for row in pages["large"]}
    assert small == {"floor": 1.0, "Adgangslog (koordinator)": 5.0, bench.INSIGHT_PAGE: 4.0}
    assert large == {"floor": 1.0, "Adgangslog (koordinator)": 5.5, bench.INSIGHT_PAGE: 4.0}
    write = {"median": 1.0, "p95": 1.2, "r_median": 1.0}
    result = bench.log_result({"pages": pages["small"], "write": write}, {"pages": pages["large"], "write": write})
    assert result["checks"] == {"Adgangslog (koordinator)": True, bench.INSIGHT_PAGE: True, "write": True}


def test_ratio_rows_divide_by_the_floor_of_the_same_run_and_judge_the_goal():
    timings = {
        "floor": [10.0] * 19 + [20.0],
        "Forløbsoverblik": [25.0] * 19 + [50.0],  # 2.5× median, 2.5× p95: within 3×
        "Mine forløb": [50.0] * 20,  # 5× median: over 4×
        "Side med layout": [14.0] * 20,  # no goal
    }
    rows = {row["page"]: row for row in bench.ratio_rows(timings)}
    assert rows["floor"]["r_median"] == 1.0 and rows["floor"]["met"] is None
    assert rows["Forløbsoverblik"]["r_median"] == pytest.approx(2.5)
    assert rows["Forløbsoverblik"]["r_p95"] == pytest.approx(2.5)
    assert rows["Forløbsoverblik"]["met"] is True
    assert rows["Mine forløb"]["met"] is False and rows["Mine forløb"]["goal"] == 4.0
    assert rows["Side med layout"]["goal"] is None and rows["Side med layout"]["met"] is None
    assert rows["Mine forløb"]["n"] == 20


def test_a_page_within_the_median_goal_but_over_at_p95_does_not_meet_it():
    timings = {"floor": [10.0] * 20, "Forløbsoverblik": [20.0] * 18 + [90.0, 90.0]}
    row = bench.ratio_rows(timings)[1]
    assert row["r_median"] == 2.0 and row["r_p95"] == 9.0 and row["met"] is False


def test_ratio_and_within():
    assert bench.ratio(30, 10) == 3
    assert math.isinf(bench.ratio(1, 0))
    assert bench.within(1.0, 1.1, 0.10) and bench.within(1.1, 1.0, 0.10)  # exactly 10 %, in floating point
    assert not bench.within(1.0, 1.11, 0.10)


def test_the_log_generation_times_one_and_ten_million_first():
    assert bench.log_steps(0, 100_000) == [100_000]
    assert bench.log_steps(0, 10_000_000) == [1_000_000, 10_000_000]
    assert bench.log_steps(0, 35_000_000) == [1_000_000, 10_000_000, 20_000_000, 30_000_000, 35_000_000]
    assert bench.log_steps(10_000_000, 10_000_000) == []  # present: reused
    assert bench.log_steps(10_000_000, 30_000_000) == [20_000_000, 30_000_000]


def test_the_log_insert_is_one_statement_from_generate_series():
    sql = bench.log_insert_sql("audit_accesslogentry")
    assert sql.count("INSERT INTO audit_accesslogentry") == 1 and "generate_series" in sql
    assert "%(target)s" in sql  # the measured citizen's pathway is left out of the generated rows
    assert "(g - %(start)s) * 730 / (%(stop)s - %(start)s + 1)" in sql  # a step fills the days in order, newest first


# --- the report


def _rows(**ratios) -> list[dict]:
    timings = {"floor": [10.0] * 20}
    for name, factor in ratios.items():
        timings[name] = [10.0 * factor] * 20
    return bench.ratio_rows(timings)


def _results(**extra) -> dict:
    pages = _rows(
        **{
            "Forløbsoverblik": 2.5,
            "Plan, 200 punkter": 3.5,
            "Mine forløb": 3.0,
            "Arbejdsliste": 4.0,
            bench.FIVE_PAGE: 2.0,
        }
    )
    small = {"pathways": 3500, "pages": _rows(**{bench.FIVE_PAGE: 1.9})}
    writes = bench.ratio_rows({"30": [100.0] * 10, "1000": [160.0] * 10}, floor="30", goals={})
    log_part = {
        "rows": 100_500,
        "generation": [{"from": 0, "to": 100_000, "seconds": 4.0}, {"analyze": 0.1}],
        "pages": _rows(**{"Adgangslog (koordinator)": 5.0}),
        "write": {"median": 20.0, "p95": 30.0, "n": 20, "floor": 2.0, "r_median": 10.0},
    }
    large = {
        **log_part,
        "rows": 10_000_500,
        "pages": _rows(**{"Adgangslog (koordinator)": 5.2}),
        # a slower moment of the machine: the write took longer, and so did its floor
        "write": {"median": 26.0, "p95": 40.0, "n": 20, "floor": 2.5, "r_median": 10.4},
    }
    return {
        "date": "03.12.2026 16:00 UTC",
        "machine": "2 cores (test)",
        "load_start": "1.00 / 1.00 / 1.00",
        "load_end": "2.00 / 2.00 / 2.00",
        "counts": {"pathways": 35_007, "items": 1_051_000},
        "pages": pages,
        "rounds": 20,
        "sizes": bench.sizes_result(small, pages),
        "mixed": bench.mixed_results(
            [
                ("floor", _slice("floor", 750, 30)),
                ("mixed", _slice("Forløbsoverblik", 600, 60)),
                ("floor", _slice("floor", 750, 30)),
            ],
            clients=16,
            seconds=60,
        ),
        "writes": writes,
        "write_count": 10,
        "log": {"small": log_part, "large": large, "note": "10,000,000 rows, not 100,000,000."},
    } | extra


def test_the_report_states_each_goal_and_keeps_the_import_section(tmp_path):
    report = tmp_path / "benchmarks.md"
    imported = "<!-- bench-import:start -->\n## Import\n\n| import | rows |\n<!-- bench-import:end -->"
    report.write_text(f"# Benchmarks\n\nold table\n\n{imported}\n", encoding="utf-8")
    bench.write_report(_results(), path=report)
    text = report.read_text(encoding="utf-8")
    assert "old table" not in text and text.count("bench-import:start") == 1 and imported in text
    assert "- Forløbsoverblik ≤ 3× the floor: **met** (median 2.50×, p95 2.50×)." in text
    assert "- Plan, 200 punkter ≤ 3× the floor: **not met** (median 3.50×" in text
    assert "- Arbejdsliste ≤ 4× the floor: **met**" in text
    assert "- Portal: forside ≤ 4× the floor: not measured." in text
    assert "| Mine forløb | 30.0 | 30.0 | 3.00× | 3.00× | ≤ 4× | **met** |" in text
    # 1.9× at 3,500 and 2.0× at 35,007: 5 % apart
    assert "within 10% at both sizes: **met**" in text and "+5 % from 3,500 to 35,007" in text
    assert "zero errors: **met** (40%, 0 errors)." in text  # 10 / 25 req/s
    assert "Saving an agreement on 1,000 items ≤ 1.5× on 30: **not met** (1.60×)" in text
    assert "Access log the same cost at both sizes: **met**" in text  # 5.2 / 5.0 is 4 % more
    assert "10,000,000 rows, not 100,000,000." in text
    assert "Load average (1/5/15 min) at the start 1.00 / 1.00 / 1.00, at the end 2.00 / 2.00 / 2.00" in text
    assert "## Earlier rounds" in text and "### Found on the way" in text


def test_the_mixed_load_goal_needs_the_share_and_no_errors():
    results = _results()
    assert bench.mixed_result(results["mixed"]) == {"share": 0.4, "errors": 0, "met": True}
    results["mixed"]["mixed"]["errors"] = {"Ny aftale": 2}
    assert bench.mixed_result(results["mixed"])["met"] is False
    assert "2 errors: {'Ny aftale': 2}" in bench.mixed_section(results["mixed"])


def _slice(name: str, answers: int, seconds: float, errors: dict | None = None) -> dict:
    return bench.load_summary(seconds, {name: [10.0] * answers}, errors or {})


def test_the_mixed_load_alternates_with_the_floor_and_begins_and_ends_with_it(monkeypatch):
    """The mix in slices, each between two of the floor, so the machine's drift falls on both."""
    asked, seeds = [], []

    def fake_run(port, pick, *, clients, seconds, seed=None):
        page = pick(random.Random(0))
        asked.append((page.name, seconds))
        seeds.append(seed)
        return _slice(page.name, 100 if page.name == "floor" else 40, seconds)

    monkeypatch.setattr(bench, "load_run", fake_run)
    floor, mix = bench.Page("floor", "/gulv/", "c"), bench.Page("Ny aftale", "/x/", "c")
    result = bench.mixed_load(0, floor, lambda rng: mix, clients=16, seconds=60, slices=4)
    assert asked == [(name, 15.0) for name in ["floor", "Ny aftale"] * 4 + ["floor"]]
    assert seeds[1::2] == [0, 1, 2, 3]  # each slice of the mix its own draw, not the first one again
    assert result["mixed"]["seconds"] == 60 and result["floor"]["seconds"] == 75
    assert result["mixed"]["requests"] == 160 and result["floor"]["requests"] == 500
    assert [part["load"] for part in result["slices"]] == ["floor", "mixed"] * 4 + ["floor"]
    assert "timings" not in result["mixed"] and "timings" not in result["floor"]
    assert bench.mixed_result(result)["share"] == pytest.approx(0.4)  # 160/60 s against 100/15 s


def test_the_mixed_load_is_held_to_the_floors_median_slice_and_fails_on_any_error():
    """A floor slice slowed by the writes' aftermath would flatter the mix, the fastest of several is biased upwards:
    the median slice counts. An error in any slice, of either load, fails the goal."""
    runs = [
        ("floor", _slice("floor", 300, 10)),
        ("mixed", _slice("Ny aftale", 100, 10)),
        ("floor", _slice("floor", 150, 10, {"floor": 1})),  # slowed after the writes
        ("mixed", _slice("Ny aftale", 80, 10)),
        ("floor", _slice("floor", 250, 10)),
    ]
    result = bench.mixed_results(runs, clients=16, seconds=20)
    assert result["mixed"]["throughput"] == 9.0 and result["floor"]["throughput"] == pytest.approx(700 / 30)
    assert result["floor_throughput"] == 25.0  # not the 23.3 of the three together
    assert bench.mixed_result(result) == {"share": pytest.approx(0.36), "errors": 1, "met": False}
    assert bench.mixed_harshest(result) == (30.0, pytest.approx(0.3))
    section = bench.mixed_section(result)
    assert "| 3 | floor | 150 | 15.0 | 1 |" in section and "in 2 slices" in section
    assert "| floor, median slice | | 25.0 | |" in section
    assert "**not met** (36%, 1 errors: {'floor': 1})." in section
    assert "Held to the fastest floor slice alone (30.0 req/s) the share would be 30%." in section
    runs[2] = ("floor", _slice("floor", 150, 10))
    assert bench.mixed_result(bench.mixed_results(runs, clients=16, seconds=20))["met"] is True
    runs[4] = ("floor", _slice("floor", 290, 10))  # a faster median slice: 9.0 / 29.0
    assert bench.mixed_result(bench.mixed_results(runs, clients=16, seconds=20))["met"] is False


def test_growth_with_the_municipality_is_not_met():
    pages = _rows(**{bench.FIVE_PAGE: 2.5})
    sizes = bench.sizes_result({"pathways": 3500, "pages": _rows(**{bench.FIVE_PAGE: 2.0})}, pages)
    assert sizes["met"] is False
    assert "**not met** (median ratio +25 %" in bench.sizes_section(sizes, 35_000)


def test_a_growing_access_log_read_is_not_met():
    results = _results()
    log = results["log"]
    log["large"]["pages"] = _rows(**{"Adgangslog (koordinator)": 6.0})  # 20 % above 5.0
    result = bench.log_result(log["small"], log["large"])
    assert result["met"] is False and result["checks"]["Adgangslog (koordinator)"] is False
    assert "(grew: Adgangslog (koordinator))" in bench.log_section(log["small"], log["large"])


def test_a_report_without_the_optional_parts_says_so(tmp_path):
    report = tmp_path / "benchmarks.md"
    bench.write_report(_results(sizes=None, mixed=None, writes=None, log={}), path=report)
    text = report.read_text(encoding="utf-8")
    assert "bench-import" not in text
    assert "## Mixed load\n\nNot measured in this run." in text
    assert "## Access log at two sizes\n\nNot measured in this run." in text
    assert "Mixed load ≥ 35% of the floor's throughput, zero errors: not measured." in text


def test_the_access_log_write_compares_as_a_ratio_to_its_floor():
    """The in-process write is compared by its ratio to the floor timed beside it: 26 ms against 20 ms is a slower
    machine when the floor slowed as much (10.4× against 10.0×); a ratio 20 % higher is growth."""
    log = _results()["log"]
    assert bench.log_result(log["small"], log["large"])["checks"]["write"] is True
    assert "| write: one page view's rows (50) | 20.00 | 10.00× | p95 30.00 ms | 26.00 | 10.40× |" in (
        bench.log_section(log["small"], log["large"])
    )
    log["large"]["write"] = {**log["large"]["write"], "r_median": 12.0}
    result = bench.log_result(log["small"], log["large"])
    assert result["met"] is False and result["checks"]["write"] is False


# --- the seeded meetings


@pytest.mark.django_db
def test_the_bench_seeds_meetings_on_every_pathway_once(world):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from samspil.meetings.models import Meeting
    from samspil.pathways import worklist
    from tests import factories as f

    if connection.vendor != "postgresql":
        pytest.skip("the bench runs on PostgreSQL")
    opened = [
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            programme=world.programme,
            opened_on=timezone.localdate() - datetime.timedelta(days=200),
        )
        for _ in range(7)
    ]
    made = bench._seed_meetings(world.municipality)
    meetings = Meeting.objects.filter(municipality=world.municipality)
    assert made == meetings.count() > 0
    for pathway in opened:
        held = meetings.filter(pathway=pathway, status="held")
        assert {m.meeting_type for m in held} == {"start", "status"}
        assert all(m.recorded_by_id == pathway.coordinator_id and m.ends_at > m.starts_at for m in held)
    assert bench._seed_meetings(world.municipality) == 0  # once
    # The worklist reads them: every pathway has a status meeting held, the figures count the planned ones.
    figures = worklist.worklist_totals(actor=world.coordinator)
    planned = meetings.filter(pathway__coordinator=world.coordinator, status="planned")
    assert figures.meetings_to_hold + figures.meetings_to_record == planned.count()


@pytest.mark.parametrize(("cores", "workers", "warmup"), [(None, 2, 8), (2, 2, 8), (4, 4, 8), (8, 8, 16)])
def test_a_new_server_is_warmed_up_for_every_worker(monkeypatch, cores, workers, warmup):
    monkeypatch.setattr(bench.os, "cpu_count", lambda: cores)
    assert bench.server_workers() == workers
    assert bench.new_server_warmup() == warmup
