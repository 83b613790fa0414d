"""Reading the joint assessment. Selectors never log: the views that show their results do (see views_base)."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.utils.text import Truncator
from django.utils.translation import gettext

from samspil.assessments import methods
from samspil.assessments.models import Assessment, AssessmentReport, Finding
from samspil.core.db import Variable, precompiled_rows
from samspil.plans.models import Goal


def finding_choices(pathway) -> list[tuple[str, str]]:
    """The findings of the pathway's assessments as (public id, label) for a goal's or an intervention's
    "answers the findings" field, newest assessment first: "Udredning 2 · Sundhed · Bekymring: <text>"."""
    findings = (
        Finding.objects.filter(pathway=pathway)
        .select_related("assessment")
        .order_by("-assessment__number", "area", "id")
    )
    return [(str(finding.public_id), finding_label(finding)) for finding in findings]


def finding_label(finding) -> str:
    from django.utils.translation import gettext

    return gettext("Assessment %(number)s · %(area)s · %(kind)s: %(text)s") % {
        "number": finding.assessment.number,
        "area": finding.area_label,
        "kind": finding.get_kind_display(),
        "text": Truncator(finding.text).chars(80),
    }


def latest_approved_report(pathway) -> AssessmentReport | None:
    """The newest approved combined report of the pathway (of its latest assessment that has one): what the family
    sees in the portal."""
    return (
        AssessmentReport.objects.filter(pathway=pathway, approved_at__isnull=False)
        .select_related("assessment")
        .order_by("-assessment__number", "-number")
        .first()
    )


# --- the staff pages ----------------------------------------------------------------------------------------------


def assessment_list(pathway) -> list[Assessment]:
    """The pathway's assessments, newest first, each with its subject, its earlier assessment and the number of
    its latest report and whether that is approved (one query, compiled once per connection: the joins and
    subqueries took longer to build than to run, `core.db.precompiled_rows`)."""

    def build(values):
        latest = AssessmentReport.objects.filter(assessment=OuterRef("pk")).order_by("-number")
        return (
            Assessment.objects.filter(pathway_id=values["pathway"])
            .select_related("subject", "previous", "started_by", "started_at_meeting")
            .annotate(
                latest_report=Subquery(latest.values("number")[:1]),
                latest_report_approved=Subquery(latest.values("approved_at")[:1]),
                section_count=Count("sections", distinct=True),
            )
            .order_by("-number")
        )

    pathway_id = Variable(pathway.pk, -1, -2, Assessment._meta.get_field("pathway"))
    return precompiled_rows(build, key=("assessment_list",), variables={"pathway": pathway_id})


def assessment_get(pathway, public_id) -> Assessment:
    """One assessment of the pathway (the pathway is already resolved by the view), or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Assessment.objects.filter(pathway=pathway).select_related(
            "subject", "previous", "started_by", "started_at_meeting", "family_view_recorded_by"
        ),
        public_id=public_id,
    )


@dataclass
class AreaContent:
    key: str
    label: str
    sections: list = field(default_factory=list)
    findings: list = field(default_factory=list)


@dataclass
class GroupContent:
    key: str
    label: str
    areas: list[AreaContent]


@dataclass
class AssessmentPage:
    assessment: Assessment
    studies: list
    groups: list[GroupContent]  # the method's groups with the areas that have a section or a finding
    reports: list
    own_place: object  # the reader's current staff place on the team, or None
    later: list  # assessments that follow this one up

    @property
    def section_count(self) -> int:
        return sum(len(area.sections) for group in self.groups for area in group.areas)

    @property
    def finding_count(self) -> int:
        return sum(len(area.findings) for group in self.groups for area in group.areas)

    @property
    def latest_report(self):
        return self.reports[-1] if self.reports else None


def assessment_page(*, actor, pathway, assessment: Assessment) -> AssessmentPage:
    """Everything the assessment's page shows, in a fixed number of queries whatever the number of sections."""
    from samspil.assessments.services import own_place

    sections = list(
        assessment.sections.select_related(
            "author__user", "author__department", "author__external_contact", "written_by"
        ).order_by("area", "id")
    )
    findings = list(
        assessment.findings.select_related("member")
        .annotate(goal_count=Count("goals", distinct=True), intervention_count=Count("interventions", distinct=True))
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("id")))
        .order_by("area", "id")
    )
    studies = list(
        assessment.studies.select_related(
            "responsible__user", "responsible__department", "responsible__external_contact"
        ).order_by("id")
    )
    reports = list(assessment.reports.select_related("compiled_by", "approved_by").order_by("number"))
    later = list(Assessment.objects.filter(previous=assessment).order_by("number"))
    for section in sections:
        section.assessment = assessment
    for finding in findings:
        finding.assessment = assessment
    return AssessmentPage(
        assessment=assessment,
        studies=studies,
        groups=group_by_area(assessment.method, sections, findings),
        reports=reports,
        own_place=own_place(actor, pathway),
        later=later,
    )


def group_by_area(method: str, sections, findings) -> list[GroupContent]:
    """Rows with an `area` key, in the method's reading order (a key the method no longer has comes last)."""
    by_area: dict[str, AreaContent] = {}
    for section in sections:
        by_area.setdefault(section.area, AreaContent(section.area, methods.area_label(method, section.area)))
        by_area[section.area].sections.append(section)
    for finding in findings:
        by_area.setdefault(finding.area, AreaContent(finding.area, methods.area_label(method, finding.area)))
        by_area[finding.area].findings.append(finding)
    groups, known = [], set()
    for group in methods.areas(method):
        areas = [by_area[area.key] for area in group.areas if area.key in by_area]
        known.update(area.key for area in group.areas)
        if areas:
            groups.append(GroupContent(group.key, str(group.label), areas))
    unknown = [by_area[key] for key in sorted(set(by_area) - known)]
    if unknown:
        groups.append(GroupContent("other", gettext("Other areas"), unknown))
    return groups


def report_get(assessment: Assessment, number: int) -> AssessmentReport:
    from django.shortcuts import get_object_or_404

    report = get_object_or_404(
        AssessmentReport.objects.filter(assessment=assessment).select_related("compiled_by", "approved_by"),
        number=number,
    )
    report.assessment = assessment
    return report


# --- compare ------------------------------------------------------------------------------------------------------


@dataclass
class ComparedArea:
    key: str
    label: str
    then: list  # the sections of the earlier assessment on the area (snapshot dicts, without internal notes)
    now: list
    findings_then: list
    findings_now: list

    @property
    def levels_then(self) -> str:
        return ", ".join(s["level_label"] for s in self.then if s.get("level_label"))

    @property
    def levels_now(self) -> str:
        return ", ".join(s["level_label"] for s in self.now if s.get("level_label"))

    @property
    def level_changed(self) -> bool:
        return self.levels_then != self.levels_now


@dataclass
class ComparedGroup:
    key: str
    label: str
    areas: list[ComparedArea]


def compare_snapshots(earlier: dict, later: dict) -> list[ComparedGroup]:
    """Two assessments of the same method, area by area in the method's order: the sections (ICS and the resource
    profile: strengths and concerns; VUM 2.0: the function level, then → now) and the findings of each. Only the
    areas either of them has content on. Internal notes are left out (`citizen_version`)."""
    from samspil.assessments.snapshot import citizen_version

    earlier, later = citizen_version(earlier), citizen_version(later)

    def index(content):
        return {area["key"]: area for group in content.get("groups", []) for area in group.get("areas", [])}

    then, now = index(earlier), index(later)
    method = later.get("method") or earlier.get("method")
    groups, known = [], set()
    for group in methods.areas(method):
        rows = []
        for area in group.areas:
            known.add(area.key)
            if area.key in then or area.key in now:
                a, b = then.get(area.key, {}), now.get(area.key, {})
                rows.append(
                    ComparedArea(
                        area.key,
                        str(area.label),
                        a.get("sections", []),
                        b.get("sections", []),
                        a.get("findings", []),
                        b.get("findings", []),
                    )
                )
        if rows:
            groups.append(ComparedGroup(group.key, str(group.label), rows))
    unknown = sorted((set(then) | set(now)) - known)
    if unknown:
        groups.append(
            ComparedGroup(
                "other",
                gettext("Other areas"),
                [
                    ComparedArea(
                        key,
                        key,
                        then.get(key, {}).get("sections", []),
                        now.get(key, {}).get("sections", []),
                        then.get(key, {}).get("findings", []),
                        now.get(key, {}).get("findings", []),
                    )
                    for key in unknown
                ],
            )
        )
    return groups


def compare_content(assessment: Assessment) -> dict:
    """What a comparison reads of an assessment: its latest approved report, else its latest report, else the
    assessment as it stands now."""
    from samspil.assessments.snapshot import build_snapshot

    report = (
        AssessmentReport.objects.filter(assessment=assessment)
        .order_by(F("approved_at").desc(nulls_last=True), "-number")
        .first()
    )
    return report.snapshot if report is not None else build_snapshot(assessment)


# --- the pathway overview's line ----------------------------------------------------------------------------------


def overview_annotations() -> dict:
    """For Pathway rows: the latest assessment's number, method and status, read in the query that loads the
    pathway anyway (`pathway_get(annotations=...)`), so the overview makes no query of its own for its line."""
    latest = Assessment.objects.filter(pathway=OuterRef("pk")).order_by("-number")
    return {
        "assessment_latest_number": Subquery(latest.values("number")[:1]),
        "assessment_latest_method": Subquery(latest.values("method")[:1]),
        "assessment_latest_status": Subquery(latest.values("status")[:1]),
    }


@dataclass(frozen=True)
class OverviewLine:
    number: int | None
    method: str
    status: str

    @property
    def method_label(self) -> str:
        from samspil.assessments.choices import Method

        return str(Method(self.method).label) if self.method in Method.values else self.method

    @property
    def status_label(self) -> str:
        from samspil.assessments.choices import AssessmentStatus

        return str(AssessmentStatus(self.status).label) if self.status in AssessmentStatus.values else self.status


def overview_line(pathway) -> OverviewLine:
    """The latest assessment for the overview: from the annotations when the pathway was read with them, else one
    query (the overview re-rendered after a write)."""
    if hasattr(pathway, "assessment_latest_status"):
        values = (pathway.assessment_latest_number, pathway.assessment_latest_method, pathway.assessment_latest_status)
    else:
        row = (
            Assessment.objects.filter(pathway=pathway)
            .order_by("-number")
            .values_list("number", "method", "status")
            .first()
        )
        values = row or (None, "", "")
    return OverviewLine(values[0], values[1] or "", values[2] or "")


def section_labels(method: str) -> tuple[str, str]:
    """The two texts of a section by method (the section form's labels): resources and barriers in the resource
    profile, resources and limitations in VUM 2.0, strengths and concerns in ICS."""
    if method == "resource_profile":
        return gettext("Resources"), gettext("Barriers")
    if method == "vum":
        return gettext("Resources and strengths"), gettext("Limitations and concerns")
    return gettext("Strengths"), gettext("Concerns")


def reader_subject_ids(person, today) -> set[int]:
    """Whose assessments a portal reader may read: their own, and those of the minors they hold custody of today.

    A family pathway holds assessments of several people (an ICS of a child, a VUM 2.0 of a parent); each is about
    one person, so the portal shows a reader only the ones about themselves or a child in their custody — a sibling
    of 15 does not read a parent's VUM, and a custody holder of one child does not read an adult's. One query.
    """
    from samspil.citizens.models import ADULT_AGE, Guardianship, custody_held_on, years_ago

    children = Guardianship.objects.filter(
        custody_held_on(today),
        municipality_id=person.municipality_id,
        guardian=person,
        child__birth_date__gt=years_ago(today, ADULT_AGE),
    ).values_list("child_id", flat=True)
    return {person.pk, *children}


def approved_reports_for_reader(pathway, person, today) -> list[AssessmentReport]:
    """The newest approved combined report per assessed person and method among the assessments the reader may read
    (`reader_subject_ids`), newest assessment first: a follow-up assessment replaces the earlier one of the same
    person and method (the data download keeps every version). Two queries."""
    subject_ids = reader_subject_ids(person, today)
    reports = (
        AssessmentReport.objects.filter(
            pathway=pathway, approved_at__isnull=False, assessment__subject_id__in=subject_ids
        )
        .select_related("assessment")
        .order_by("-assessment__number", "-number")
    )
    latest: dict[tuple, AssessmentReport] = {}
    for report in reports:
        latest.setdefault((report.assessment.subject_id, report.assessment.method), report)
    return list(latest.values())
