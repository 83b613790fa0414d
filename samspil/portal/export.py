"""The citizen's download of all their data (GDPR art. 15), as PDF and JSON: one assembly, two renderings.

`export_assemble(user=, pathway=)` collects everything the portal account may see, for every pathway it reaches
(the URL's pathway first): the person's own record, the pathways, their teams, the plan in the citizen's edition and
its versions with the responses, the agreements, the meetings with the citizen or family, the consents, the portal
rights, and the access log about the people it concerns (`portal.insight`). `export_json` turns it into JSON with
stable English keys; `export_pdf.render_export_pdf` into a Danish PDF. Both come from the same `ExportData`.

What is never in it: another citizen's address (only the account's own person's address is shown, never a child's,
a family member's or the other parent's; `Citizen.address_protected` is thereby always respected), CPR numbers,
meetings held without the citizen or family (analysis meetings) and any meeting's minutes, checklist or decisions
(`meetings.selectors.meetings_with_citizen`), internal notes of the plan (`plans.snapshot.citizen_edition`) and of
the joint assessment (`assessments.snapshot.citizen_version`, approved reports only).

**Adding a list** (the hook for shared documents, messages, …): write a function `(pathway) -> list[Item]` that lists
one pathway's records as the portal shows them to the account (`pathway.portal_access` says who is asking), and add
`per_pathway("documents", gettext_lazy("Shared documents"), your_function)` to `SECTIONS` below (one line); a builder
`(ctx: ExportContext) -> list[Section]` of your own works too. Its sections appear in both files; a `Field` with a list
of `Item`s nests, and `pdf=False` keeps a field out of the PDF (the JSON is the complete, machine-readable copy).
The download's access-log rows (one per citizen and pathway, `portal.export`, purpose `data_request`) already cover
what a section adds about those citizens.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from samspil.access.models import Consent, ConsentScope
from samspil.citizens.models import Citizen
from samspil.meetings.selectors import meetings_with_citizen
from samspil.pathways.models import Pathway, TeamMember
from samspil.pathways.selectors import subject_citizens
from samspil.plans.models import Agreement, Plan, PlanRevision
from samspil.plans.snapshot import agreement_owner_name, build_snapshot, citizen_edition
from samspil.portal.access import portal_pathways
from samspil.portal.choices import Capacity, PortalLevel
from samspil.portal.insight import insight_all, insight_subjects
from samspil.portal.models import PortalRight

# The PDF lists at most this many reads (newest first); the JSON has them all.
PDF_ACCESS_LOG_LIMIT = 1000


@dataclass
class Item:
    """One record: a title and its fields."""

    title: str
    fields: list["Field"]


@dataclass
class Field:
    key: str  # the JSON key (English, stable)
    label: str  # the PDF's label (Danish)
    value: Any  # text, number, bool, None, a list of Items (nested), or plain JSON when pdf=False
    pdf: bool = True


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    intro: str = ""
    pathway: Pathway | None = None


@dataclass
class ExportContext:
    user: Any
    person: Citizen
    pathways: list[Pathway]  # every pathway the account reaches, the URL's first, each with `portal_access`


@dataclass
class ExportData:
    person: Citizen
    created_at: datetime.datetime
    sections: list[Section]
    reads: list[tuple[Pathway, list[Citizen]]] = field(default_factory=list)  # for the access log
    access_log_total: int = 0


def _date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "d.m.Y H:i")
    return formats.date_format(value, "d.m.Y")


def _pathway_title(pathway: Pathway) -> str:
    return f"{pathway.programme.name} ({pathway.subject_name})"


# --- the sections --------------------------------------------------------------------------------------------


def per_pathway(key: str, title, items: Callable[[Pathway], list[Item]]) -> Callable[[ExportContext], list[Section]]:
    """A builder of one section per pathway the account reaches, from a function listing one pathway's records."""

    def build(ctx: ExportContext) -> list[Section]:
        return [Section(key, str(title), items(pathway), pathway=pathway) for pathway in ctx.pathways]

    return build


def _person(ctx: ExportContext) -> list[Section]:
    person = ctx.person
    items = [
        Item(
            person.full_name,
            [
                Field("first_name", _("First name(s)"), person.first_name),
                Field("last_name", _("Last name"), person.last_name),
                Field("birth_date", _("Birth date"), _date(person.birth_date)),
                Field("address", _("Address"), person.address),  # the person's own address only
                Field("phone", _("Phone"), person.phone),
                Field("email", _("E-mail"), person.email),
            ],
        )
    ]
    children: dict[int, Citizen] = {}
    for pathway in ctx.pathways:
        for citizen in insight_subjects(pathway):
            if citizen.pk != person.pk:
                children[citizen.pk] = citizen
    for child in children.values():  # name and birth date only: never another citizen's address
        items.append(
            Item(
                child.full_name,
                [
                    Field("first_name", _("First name(s)"), child.first_name),
                    Field("last_name", _("Last name"), child.last_name),
                    Field("birth_date", _("Birth date"), _date(child.birth_date)),
                    Field("relation", _("Relation"), _("Child in your custody")),
                ],
            )
        )
    return [Section("person", _("About you"), items)]


def _pathways(ctx: ExportContext) -> list[Section]:
    items = []
    for pathway in ctx.pathways:
        access = pathway.portal_access
        capacity = Capacity(access.capacity).label
        coordinator = pathway.coordinator
        items.append(
            Item(
                _pathway_title(pathway),
                [
                    Field("programme", _("Programme"), pathway.programme.name),
                    Field("about", _("About"), ", ".join(c.full_name for c in subject_citizens(pathway))),
                    Field("status", _("Status"), str(pathway.get_status_display())),
                    Field("opened_on", _("Opened"), _date(pathway.opened_on)),
                    Field("closed_on", _("Closed"), _date(pathway.closed_on)),
                    Field("coordinator", _("Coordinator"), coordinator.get_full_name()),
                    Field("coordinator_department", _("Coordinator's department"), pathway.lead_department.name),
                    Field("coordinator_email", _("Coordinator's e-mail"), coordinator.email),
                    Field("coordinator_phone", _("Coordinator's phone"), coordinator.phone),
                    Field("your_access", _("Your access"), f"{capacity}: {PortalLevel(access.level).label}"),
                ],
            )
        )
    return [Section("pathways", _("Your pathways"), items)]


def _team_items(pathway: Pathway) -> list[Item]:
    members = (
        TeamMember.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .select_related("user", "department", "external_contact__organisation")
        .order_by("active_from", "id")
    )
    items = []
    for member in members:
        if member.kind == "staff":
            where = member.department.name if member.department_id else ""
        elif member.kind == "external":
            where = member.external_contact.organisation.name if member.external_contact_id else ""
        else:
            where = member.relation or _("Private network")
        items.append(
            Item(
                member.display_name,
                [
                    Field("name", _("Name"), member.display_name),
                    Field("role", _("Role"), str(member.get_role_display())),
                    Field("department", _("Department or relation"), where),
                    Field("from", _("From"), _date(member.active_from)),
                    Field("to", _("To"), _date(member.active_to)),
                ],
            )
        )
    return items


def _goal_items(goals: list[dict]) -> list[Item]:
    items = []
    for number, goal in enumerate(goals, start=1):
        agreements = [
            Item(
                agreement.get("what", ""),
                [
                    Field("what", _("Agreement"), agreement.get("what", "")),
                    Field("who", _("Who does it"), agreement.get("owner_name", "")),
                    Field("due_on", _("Due"), _date(agreement.get("due_on"))),
                    Field("status", _("Status"), agreement.get("status_label", "")),
                    Field("follow_up_note", _("Follow-up"), agreement.get("follow_up_note", "")),
                ],
            )
            for agreement in goal.get("agreements", [])
        ]
        follow_ups = [
            Item(
                _date(follow_up.get("assessed_on")),
                [
                    Field("assessed_on", _("Follow-up"), _date(follow_up.get("assessed_on"))),
                    Field("result", _("Result"), follow_up.get("result_label", "")),
                    Field("note", _("Note"), follow_up.get("note", "")),
                ],
            )
            for follow_up in goal.get("follow_ups", [])
        ]
        items.append(
            Item(
                f"{_('Goal')} {number}: {goal.get('description', '')}",
                [
                    Field("for", _("For"), goal.get("member_name", "")),
                    Field("life_area", _("Life area"), goal.get("life_area_label", "")),
                    Field("goal", _("Goal"), goal.get("description", "")),
                    Field("measurable_target", _("Measurable target"), goal.get("indicator", "")),
                    Field("horizon", _("Horizon"), goal.get("horizon_label", "")),
                    Field("status", _("Status"), goal.get("status_label", "")),
                    Field("agreements", _("Agreements"), agreements),
                    Field("follow_ups", _("Follow-ups"), follow_ups),
                ],
            )
        )
    return items


def _plan(ctx: ExportContext) -> list[Section]:
    sections = []
    for pathway in ctx.pathways:
        plan = Plan.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway).first()
        revisions = (
            list(
                PlanRevision.objects.filter(plan=plan)
                .select_related("saved_by", "citizen_response_recorded_by", "citizen_responded_by")
                .order_by("-number")
            )
            if plan
            else []
        )
        if revisions:
            snapshot = revisions[0].snapshot
        elif plan:
            snapshot = build_snapshot(plan, subject_name=pathway.subject_name, is_family=not pathway.citizen_id)
        else:
            snapshot = {"wishes": "", "goals": []}
        edition = citizen_edition(snapshot)
        wishes = Item(_("Your own wishes"), [Field("wishes", _("Wishes"), edition.get("wishes", ""))])
        sections.append(
            Section(
                "plan",
                _("The plan (the citizen's version)"),
                [wishes, *_goal_items(edition.get("goals", []))],
                pathway=pathway,
            )
        )
        versions = []
        for revision in revisions:
            if revision.citizen_agreed is None:
                answer = _("Seen") if revision.citizen_seen_at else _("No response yet")
            else:
                answer = _("Agrees") if revision.citizen_agreed else _("Does not agree")
            # Who answered: the person themself in the portal, or the coordinator recording the answer. The version's
            # staff change text is left out: it can name a meeting held without the citizen (an analysis meeting).
            if revision.citizen_responded_by_id:
                responder = _("%(name)s, in the portal") % {"name": revision.citizen_responded_by.full_name}
            elif revision.citizen_response_recorded_by_id:
                responder = revision.citizen_response_recorded_by.get_full_name()
            else:
                responder = ""
            versions.append(
                Item(
                    _("Version %(number)s") % {"number": revision.number},
                    [
                        Field("number", _("Version"), revision.number),
                        Field("saved_at", _("Saved"), _date(revision.saved_at)),
                        Field("saved_by", _("Saved by"), revision.saved_by.get_full_name()),
                        Field("response", _("Response"), str(answer)),
                        Field("response_comment", _("Comment"), revision.citizen_comment),
                        Field("response_at", _("Response given"), _date(revision.citizen_seen_at)),
                        Field("response_by", _("Answered by"), responder),
                        Field("content", _("Content"), citizen_edition(revision.snapshot), pdf=False),
                    ],
                )
            )
        sections.append(
            Section("plan_versions", _("Versions of the plan and your responses"), versions, pathway=pathway)
        )
    return sections


def _agreement_items(pathway: Pathway) -> list[Item]:
    agreements = (
        Agreement.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .select_related("goal", "owner__user", "owner__external_contact", "owner_member")
        .order_by("due_on", "id")
    )
    items = []
    whole = _("The whole family") if not pathway.citizen_id else pathway.subject_name
    for agreement in agreements:
        who = agreement_owner_name(agreement, whole=whole)
        items.append(
            Item(
                agreement.what,
                [
                    Field("what", _("Agreement"), agreement.what),
                    Field("goal", _("Goal"), agreement.goal.title),
                    Field("who", _("Who does it"), who),
                    Field("due_on", _("Due"), _date(agreement.due_on)),
                    Field("status", _("Status"), str(agreement.get_status_display())),
                    Field("completed_on", _("Completed"), _date(agreement.completed_on)),
                    Field("follow_up_note", _("Follow-up"), agreement.follow_up_note),
                ],
            )
        )
    return items


def _goal_comment_items(pathway: Pathway) -> list[Item]:
    """The comments written on the plan's goals in the portal (`plans.GoalComment`), as the portal shows them."""
    from samspil.portal.selectors import goal_comments

    return [
        Item(
            _("Comment from %(name)s") % {"name": comment.person.full_name},
            [
                Field("goal", _("Goal"), comment.goal.title),
                Field("written_by", _("Written by"), comment.person.full_name),
                Field("written_at", _("Written on"), _date(comment.created_at)),
                Field("comment", _("Comment"), comment.text),
            ],
        )
        for comments in goal_comments(pathway).values()
        for comment in comments
    ]


def _meeting_items(pathway: Pathway) -> list[Item]:
    items = [
        Item(
            f"{meeting.get_meeting_type_display()} {_date(meeting.starts_at)}",
            [
                Field("type", _("Meeting"), str(meeting.get_meeting_type_display())),
                Field("starts_at", _("Starts"), _date(meeting.starts_at)),
                Field("ends_at", _("Ends"), _date(meeting.ends_at)),
                Field("place", _("Place"), meeting.location),
                Field("online_link", _("Online meeting link"), meeting.online_link),
                Field("status", _("Status"), str(meeting.get_status_display())),
            ],
        )
        for meeting in meetings_with_citizen(pathway).order_by("starts_at", "id")
    ]
    return items


def _consent_items(pathway: Pathway) -> list[Item]:
    consents = (
        Consent.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .prefetch_related(Prefetch("scopes", queryset=ConsentScope.objects.select_related("department").order_by("id")))
        .order_by("given_on", "id")
    )
    items = []
    for consent in consents:
        departments = [
            Item(
                scope.department.name,
                [
                    Field("department", _("Department"), scope.department.name),
                    Field("withdrawn_at", _("Withdrawn"), _date(scope.withdrawn_at or consent.withdrawn_at)),
                ],
            )
            for scope in consent.scopes.all()
        ]
        items.append(
            Item(
                f"{consent.giver_name} ({consent.get_giver_role_display()})",
                [
                    Field("given_by", _("Given by"), consent.giver_name),
                    Field("role", _("As"), str(consent.get_giver_role_display())),
                    Field("form", _("Form"), str(consent.get_form_display())),
                    Field("purpose", _("Purpose"), consent.purpose),
                    Field("given_on", _("Given on"), _date(consent.given_on)),
                    Field("expires_on", _("Expires on"), _date(consent.expires_on)),
                    Field("withdrawn_at", _("Withdrawn"), _date(consent.withdrawn_at)),
                    Field("departments", _("Departments"), departments),
                ],
            )
        )
    return items


def _portal_right_items(pathway: Pathway) -> list[Item]:
    rights = (
        PortalRight.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .select_related("citizen")
        .order_by("id")
    )
    items = [
        Item(
            right.citizen.full_name,
            [
                Field("person", _("Person"), right.citizen.full_name),
                Field("level", _("Access to the portal"), str(right.get_level_display())),
                Field("set_on", _("Set"), _date(right.updated_at)),
            ],
        )
        for right in rights
    ]
    return items


def _assessments(ctx: ExportContext) -> list[Section]:
    title = str(gettext_lazy("The joint assessment"))
    return [
        Section("assessments", title, _assessment_items(pathway, ctx.person), pathway=pathway)
        for pathway in ctx.pathways
    ]


def _assessment_items(pathway: Pathway, person: Citizen) -> list[Item]:
    """Every approved combined report of the pathway's joint assessments about the person or a minor in their custody
    (`assessments.selectors.reader_subject_ids`), newest first, in its citizen version
    (`assessments.snapshot.citizen_version`: no internal notes); a report not yet approved is not the family's to
    read, and an assessment of another member of the family is not the person's. The JSON also has the report's
    whole citizen version as it is stored (`content`)."""
    from samspil.assessments.models import AssessmentReport
    from samspil.assessments.selectors import reader_subject_ids, section_labels
    from samspil.assessments.snapshot import citizen_version

    reports = (
        AssessmentReport.objects.filter(
            pathway=pathway,
            approved_at__isnull=False,
            assessment__subject_id__in=reader_subject_ids(person, timezone.localdate()),
        )
        .select_related("assessment")
        .order_by("-assessment__number", "-number")
    )
    items = []
    for report in reports:
        content = citizen_version(report.snapshot)
        first, second = section_labels(content.get("method", ""))
        areas = []
        for group in content.get("groups", []):
            for area in group.get("areas", []):
                sections = []
                for section in area.get("sections", []):
                    who = section.get("author", "")
                    if section.get("department"):
                        who += f" ({section['department']})"
                    lines = [who]
                    if section.get("level_label"):
                        lines.append(f"{_('Function level (FFB)')}: {section['level_label']}")
                    lines.append(f"{first}: {section.get('strengths') or '–'}")
                    lines.append(f"{second}: {section.get('concerns') or '–'}")
                    sections.append("\n".join(lines))
                findings = [
                    f"{finding.get('kind_label', '')}: {finding.get('text', '')}"
                    + (f" ({finding['member']})" if finding.get("member") else "")
                    for finding in area.get("findings", [])
                ]
                areas.append(
                    Item(
                        area.get("label", ""),
                        [
                            Field("area", _("Area"), f"{group.get('label', '')}: {area.get('label', '')}"),
                            Field("sections", _("Sections"), "\n\n".join(sections)),
                            Field("findings", _("Findings"), "\n".join(findings)),
                        ],
                    )
                )
        items.append(
            Item(
                _("Assessment %(number)s, version %(version)s")
                % {"number": report.assessment.number, "version": report.number},
                [
                    Field("assessed_person", _("The assessment is about"), content.get("subject", "")),
                    Field("method", _("Method"), content.get("method_label", "")),
                    Field("approved_at", _("Approved"), _date(report.approved_at)),
                    Field("purpose", _("Purpose and questions"), content.get("purpose", "")),
                    Field("family_view", _("The family's own view"), content.get("family_view", "")),
                    Field("areas", _("What the professionals have found"), areas),
                    Field("summary", _("The team's combined assessment"), content.get("summary", "")),
                    Field("content", "", content, pdf=False),
                ],
            )
        )
    return items


# The sections, in the order of the files. Add a list here (see the module's docstring).
SECTIONS: list[Callable[[ExportContext], list[Section]]] = [
    _person,
    _pathways,
    per_pathway("team", gettext_lazy("The team"), _team_items),
    _plan,
    per_pathway("agreements", gettext_lazy("Agreements"), _agreement_items),
    per_pathway("goal_comments", gettext_lazy("Comments on the goals"), _goal_comment_items),
    _assessments,
    per_pathway("meetings", gettext_lazy("Meetings with you"), _meeting_items),
    per_pathway("consents", gettext_lazy("Consents"), _consent_items),
    per_pathway("portal_rights", gettext_lazy("Access to the portal"), _portal_right_items),
]


def _access_log(ctx: ExportContext) -> tuple[Section, int]:
    subjects: dict[int, Citizen] = {}
    for pathway in ctx.pathways:
        for citizen in insight_subjects(pathway):
            subjects[citizen.pk] = citizen
    rows = insight_all(user=ctx.user, subjects=list(subjects.values()))
    items = [
        Item(
            f"{_date(row.created_at)} · {row.who}",
            [
                Field("when", _("When"), _date(row.created_at)),
                Field("who", _("Who"), row.who),
                Field("role", _("Role"), row.role),
                Field("department", _("Department"), row.department),
                Field("what", _("What"), row.what),
                Field("purpose", _("Why"), row.why),
                Field("basis", _("Basis"), row.via),
                Field("about", _("About"), row.about),
                Field("break_glass_reason", _("Reason for break-glass"), row.break_glass_reason),
            ],
        )
        for row in rows
    ]
    intro = _("Who has looked at your data, newest first (also your own use of the portal).")
    return Section("access_log", _("Who has looked at your data"), items, intro=intro), len(rows)


def export_assemble(*, user, pathway: Pathway) -> ExportData:
    """Everything the account may see, for every pathway it reaches (the URL's `pathway` first), in Danish."""
    with override("da"):
        reached = [p for p in portal_pathways(user) if p.pk != pathway.pk]
        ctx = ExportContext(user=user, person=pathway.portal_access.person, pathways=[pathway, *reached])
        sections = [section for build in SECTIONS for section in build(ctx)]
        log, total = _access_log(ctx)
        sections.append(log)
    reads = []
    for index, each in enumerate(ctx.pathways):
        citizens = list(subject_citizens(each))
        if index == 0 and all(citizen.pk != ctx.person.pk for citizen in citizens):
            citizens.append(ctx.person)  # the person's own record, read with the URL's pathway
        reads.append((each, citizens))
    return ExportData(
        person=ctx.person, created_at=timezone.now(), sections=sections, reads=reads, access_log_total=total
    )


def _json_value(value):
    if isinstance(value, list) and all(isinstance(item, Item) for item in value):
        return [_item_json(item) for item in value]
    return value


def _item_json(item: Item) -> dict:
    return {f.key: _json_value(f.value) for f in item.fields}


def export_json(data: ExportData) -> dict:
    """The download as JSON: sections by key; a section per pathway carries the pathway's programme."""
    out: dict[str, Any] = {
        "created_at": timezone.localtime(data.created_at).isoformat(),
        "about": "Samspil: alle dine data (databeskyttelsesforordningens artikel 15)",
    }
    for section in data.sections:
        records = [_item_json(item) for item in section.items]
        if section.pathway is None:
            out[section.key] = records
        else:
            out.setdefault(section.key, []).append(
                {
                    "pathway": str(section.pathway.programme.name),
                    "opened_on": section.pathway.opened_on.isoformat(),
                    "records": records,
                }
            )
    return out
