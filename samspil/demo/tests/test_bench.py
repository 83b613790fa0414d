"""The benchmark report: it states each goal as met or not, and keeps the import benchmark's section."""

import pytest

from samspil.demo import bench


@pytest.fixture(autouse=True)
def machine(monkeypatch):
    monkeypatch.setattr(bench, "machine", lambda: "2 cores (test)")  # the real one asks PostgreSQL


def results(plan_p95: float, overview_queries: int = 10) -> list[dict]:
    row = {"p50": 40.0, "p95": 45.0, "c_p50": 200.0, "c_p95": 300.0, "rps": 30.0}
    return [
        {**row, "page": "Mine forløb", "queries": 9},
        {**row, "page": "Arbejdsliste", "queries": 8},
        {**row, "page": "Forløbsoverblik", "queries": overview_queries},
        {**row, "page": "Plan, 200 punkter", "queries": 10, "p95": plan_p95},
    ]


def test_the_report_states_each_goal_and_keeps_the_import_section(tmp_path):
    report = tmp_path / "benchmarks.md"
    imported = "<!-- bench-import:start -->\n## Import\n\n| import | rows |\n<!-- bench-import:end -->"
    report.write_text(f"# Benchmarks\n\nold table\n\n{imported}\n", encoding="utf-8")
    bench.write_report(results(plan_p95=55.0), counts={"pathways": 35000, "items": 1050170}, path=report)
    text = report.read_text(encoding="utf-8")
    assert "Queries per page at most 10: **met**" in text
    assert "p95 ≤ 60 ms for one client: **met** (p95 55 ms" in text
    assert imported in text and "old table" not in text
    bench.write_report(results(plan_p95=61.0, overview_queries=11), counts={"pathways": 1, "items": 1}, path=report)
    text = report.read_text(encoding="utf-8")
    assert "**not met** (over: Forløbsoverblik 11)" in text
    assert "p95 ≤ 60 ms for one client: **not met** (p95 61 ms" in text
    assert text.count("bench-import:start") == 1 and imported in text


def test_a_report_without_an_import_section_gets_none(tmp_path):
    report = tmp_path / "benchmarks.md"
    bench.write_report(results(plan_p95=50.0), counts={"pathways": 1, "items": 1}, path=report)
    assert "bench-import" not in report.read_text(encoding="utf-8")
