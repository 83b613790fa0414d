"""The coordination group of department heads (seed 003 p. 6): a monthly group whose page shows the model's families
in figures only, small numbers suppressed."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.audit import context
from samspil.audit.models import AccessLogEntry
from samspil.economy.tests.factories import InterventionFactory, make_decision
from samspil.implementation import services
from samspil.implementation.choices import GroupKind
from samspil.implementation.coordination import coordination_figures
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.pathways.choices import CollaborationModel
from samspil.pathways.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db


class FamilyOrg:
    def __init__(self):
        self.children = f.DepartmentFactory(name="Børn og Unge")
        self.municipality = self.children.municipality
        self.job = f.DepartmentFactory(municipality=self.municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
        self.project_leader = f.make_staff(self.children, StaffRole.PROJECT_LEADER)
        self.head = f.make_staff(self.children, StaffRole.DEPARTMENT_HEAD)
        self.caseworker = f.make_staff(self.children, first_name="Karen", last_name="Koordinator")
        self.programme = f.ProgrammeFactory(
            municipality=self.municipality, code="en-familie", model=CollaborationModel.ONE_FAMILY
        )
        with context.bound(actor_id=self.project_leader.pk, request_id="t"):
            self.group = services.group_create(
                actor=self.project_leader,
                programme=self.programme,
                kind=GroupKind.COORDINATION_GROUP,
                name="Koordinationsgruppen",
                cadence_days=None,
            )

    def family(self, **fields) -> Pathway:
        pathway = f.PathwayFactory(
            family=True, coordinator=self.caseworker, lead_department=self.children, programme=self.programme, **fields
        )
        f.HouseholdMemberFactory(household=pathway.household)
        return pathway


@pytest.fixture
def org():
    return FamilyOrg()


def _analysis(pathway, days_ago: int):
    return f.MeetingFactory(
        pathway=pathway,
        meeting_type=MeetingType.ANALYSIS,
        status=MeetingStatus.HELD,
        starts_at=f.copenhagen_time(days=-days_ago),
        ends_at=f.copenhagen_time(days=-days_ago, hour=15),
    )


def test_the_coordination_group_meets_monthly_by_default(org):
    assert org.group.kind == GroupKind.COORDINATION_GROUP
    assert org.group.cadence_days == 30


def test_the_figures_count_families_financing_coordinators_and_analysis_meetings(org):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    families = [org.family() for _ in range(12)]
    org.family(status="closed")  # not in the model any more
    for i, pathway in enumerate(families):
        intervention = InterventionFactory(pathway=pathway, starts_on=start, unit_price=Decimal("1000.00"))
        if i < 6:  # six financing decisions, 60/40 between the departments
            make_decision(intervention, [(org.children, "60"), (org.job, "40")], decided_on=start)
        if i < 7:
            _analysis(pathway, days_ago=70)  # held before the first intervention
        elif i < 9:
            _analysis(pathway, days_ago=10)  # held after it started

    figures = coordination_figures(programme=org.programme, group=org.group, today=today)

    assert figures.families.value == 12 and not figures.families.hidden
    assert figures.decisions.value == 6 and not figures.decisions.hidden
    by_department = {row.department: row for row in figures.shares}
    assert by_department["Børn og Unge"].percent == Decimal("60.0")
    assert by_department["Jobcenter"].percent == Decimal("40.0")
    assert by_department["Børn og Unge"].amount.value == Decimal("1.5") * by_department["Jobcenter"].amount.value
    assert [(row.name, row.pathways.value) for row in figures.coordinators] == [("Karen Koordinator", 12)]
    assert figures.analysis_before.value == 7 and not figures.analysis_before.hidden
    assert figures.analysis_not_before.value == 5 and not figures.analysis_not_before.hidden


def test_small_numbers_are_suppressed(org):
    for _ in range(3):
        pathway = org.family()
        make_decision(InterventionFactory(pathway=pathway), [(org.children, "100")], decided_on=timezone.localdate())
    figures = coordination_figures(programme=org.programme, group=org.group)
    assert figures.families.hidden and figures.decisions.hidden
    assert all(row.amount.hidden and row.percent is None for row in figures.shares)
    assert figures.coordinators[0].pathways.hidden


def test_the_page_shows_the_figures_to_department_heads_without_naming_anyone_or_logging_a_read(client, org):
    pathways = [org.family() for _ in range(6)]
    client.force_login(org.head)
    url = f"/programmer/{org.programme.code}/organisation/grupper/{org.group.public_id}/"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.split('id="coordination-families">')[1].split("</dd>")[0].strip() == "6"
    for pathway in pathways:
        assert pathway.household.name not in html
    assert not AccessLogEntry.objects.exists()

    client.force_login(org.caseworker)  # no aggregate role
    assert client.get(url).status_code == 404


def test_the_page_has_constant_queries(client, org):
    client.force_login(org.project_leader)
    url = f"/programmer/{org.programme.code}/organisation/grupper/{org.group.public_id}/"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        make_decision(InterventionFactory(pathway=org.family()), [(org.children, "100")])
    client.get(url)
    small = count()
    for _ in range(10):
        make_decision(InterventionFactory(pathway=org.family()), [(org.job, "100")])
    assert count() == small


def test_the_coordinator_rows_are_protected_against_the_total(org):
    """Seven families: six for one coordinator, one for another. The single small row would follow from the shown
    total (7 − 6), so the next smallest row is hidden too (secondary suppression)."""
    other = f.make_staff(org.children, first_name="Ole", last_name="Anden")
    for _ in range(6):
        org.family()
    f.PathwayFactory(family=True, coordinator=other, lead_department=org.children, programme=org.programme)
    figures = coordination_figures(programme=org.programme, group=org.group)
    assert not figures.families.hidden and figures.families.value == 7
    rows = {row.name: row.pathways for row in figures.coordinators}
    assert rows["Ole Anden"].hidden
    assert rows["Karen Koordinator"].hidden
