"""Helpers for measurement rounds in tests (on top of tests/factories.py)."""

import datetime
import hashlib

from django.utils import timezone

from samspil.evaluation.choices import CohortRule, RoundKind
from samspil.evaluation.models import CitizenInterview, InterviewFile, MeasurementRound, RoundPathway

PDF = b"%PDF-1.4\n% Samspil interview\n%%EOF\n"


def make_round(programme, *, opened_by, pathways=(), number=0, measured_on=None, **fields) -> MeasurementRound:
    """A round written directly (services are tested on their own), with `pathways` as its cohort."""
    measured_on = measured_on or timezone.localdate()
    round = MeasurementRound.objects.create(
        municipality=programme.municipality,
        programme=programme,
        kind=RoundKind.BASELINE if number == 0 else RoundKind.FOLLOW_UP,
        number=number,
        title=fields.pop("title", "Baseline" if number == 0 else f"Opfølgning {number}"),
        measured_on=measured_on,
        period_start=fields.pop("period_start", measured_on - datetime.timedelta(days=364)),
        period_end=fields.pop("period_end", measured_on),
        cohort_rule=CohortRule.OPEN_ON,
        opened_by=opened_by,
        **fields,
    )
    for pathway in pathways:
        RoundPathway.objects.create(municipality=programme.municipality, round=round, pathway=pathway)
    return round


def make_interview(round, *, interviewer, pathway=None, files: dict | None = None, name="Referat.pdf"):
    """An interview with one PDF; its storage name and content go into `files` (written by the test's storage)."""
    interview = CitizenInterview.objects.create(
        municipality=round.municipality,
        round=round,
        pathway=pathway,
        interviewed_on=timezone.localdate(),
        notes="Borgeren oplever, at det er blevet lettere at få hjælp.",
        interviewer=interviewer,
    )
    storage_name = f"interviews/world-{interview.public_id.hex}"
    attached = InterviewFile.objects.create(
        municipality=round.municipality,
        interview=interview,
        file=storage_name,
        name=name,
        kind="pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=interviewer,
    )
    if files is not None:
        files[storage_name] = PDF
    return interview, attached


def permission_world_round(main, *, project_leader, coordinator, files: dict) -> dict:
    """For tests/permission_world.py: an open baseline of `main`'s programme with `main` in its cohort, an interview
    with a file about `main` and an anonymous one with a file. The targets of the evaluation URLs."""
    round = make_round(main.programme, opened_by=project_leader, pathways=[main])
    _interview, on_pathway = make_interview(round, interviewer=coordinator, pathway=main, files=files)
    _anonymous, anonymous = make_interview(round, interviewer=project_leader, files=files)
    return {
        (None, "round_number"): round.number,
        (None, "anonymous_file_id"): anonymous.public_id,
        ("main", "interview_file_id"): on_pathway.public_id,
    }
