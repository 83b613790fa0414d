"""Counts next to nouns agree with the number: "1 møde", "2 møder" (and "1 meeting" in English)."""

import types
import uuid

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from samspil.segmentation.rules import rule_description


def worklist(n):
    return types.SimpleNamespace(
        overdue_agreements=n, meetings_to_record=n, meetings_to_hold=n, status_meetings_due=n, plans_stale=n
    )


def text(html: str) -> str:
    return " ".join(html.split())


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        (
            "da",
            [
                "1</strong> overskreden aftale<",
                "1</strong> møde, der mangler referat<",
                "1</strong> møde inden for 14 dage<",
                "1</strong> statusmøde, der skal holdes<",
                "1</strong> plan, der ikke er revideret for nylig<",
            ],
            [
                "2</strong> overskredne aftaler<",
                "2</strong> møder, der mangler referat<",
                "2</strong> møder inden for 14 dage<",
                "2</strong> statusmøder, der skal holdes<",
                "2</strong> planer, der ikke er revideret for nylig<",
            ],
        ),
        ("en", ["1</strong> meeting to record<", "1</strong> status meeting due<"], ["2</strong> meetings to record<"]),
    ],
)
def test_the_worklist_counts_agree_with_their_number(language, one, two):
    with translation.override(language):
        page_one = text(render_to_string("pathways/_worklist_counts.html", {"worklist": worklist(1)}))
        page_two = text(render_to_string("pathways/_worklist_counts.html", {"worklist": worklist(2)}))
    for phrase in one:
        assert phrase in page_one
    for phrase in two:
        assert phrase in page_two


def import_job(*, read, imported, present, bad, status="done"):
    return types.SimpleNamespace(
        public_id=uuid.uuid4(),
        status=status,
        get_status_display=lambda: status,
        is_finished=True,
        rows_read=read,
        rows_imported=imported,
        rows_present=present,
        rows_bad=bad,
        duration_seconds=None,
        error="",
    )


def test_a_finished_import_of_one_row_speaks_of_one_row():
    context = {"job": import_job(read=1, imported=0, present=1, bad=0), "percent": 100, "bad_rows": []}
    with translation.override("da"):
        one = text(render_to_string("segmentation/_import_progress.html", context))
    assert "Færdig: 1 række læst, 0 indlæst, 1 var allerede indlæst, 0 forkerte rækker sprunget over." in one
    context["job"] = import_job(read=3, imported=1, present=1, bad=1)
    with translation.override("en"):
        three = text(render_to_string("segmentation/_import_progress.html", context))
    assert "Done: 3 rows read, 1 imported, 1 was already imported, 1 bad row skipped." in three


def test_a_rejected_import_of_one_row_speaks_of_one_row():
    context = {"job": import_job(read=1, imported=0, present=0, bad=1, status="rejected"), "percent": 100}
    context["bad_rows"] = []
    with translation.override("da"):
        page = text(render_to_string("segmentation/_import_progress.html", context))
    assert "Intet blev indlæst: 1 af 1 række er forkert." in page


@pytest.mark.parametrize(
    ("n", "danish"), [(1, "ydelser fra mindst 1 afdeling."), (2, "ydelser fra mindst 2 afdelinger.")]
)
def test_the_candidate_rule_names_departments_in_the_right_number(n, danish):
    rule = types.SimpleNamespace(
        is_empty=False, min_departments=n, top_percent=None, min_total_dkk=None, combination="all"
    )
    with translation.override("da"):
        assert danish in rule_description(rule)
