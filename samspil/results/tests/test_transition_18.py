"""Transition at 18 (seed 002): the worklist warns from six months before a young person's 18th birthday until the
transition meeting is planned or held; at the transition coordination may pass to adult services or the job centre."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.pathways import services as pathway_services
from samspil.pathways import worklist
from samspil.pathways.programmes import programmes_seed
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_dates():
    assert worklist.eighteenth_birthday(datetime.date(2009, 8, 31)) == datetime.date(2027, 8, 31)
    assert worklist.transition_warning_from(datetime.date(2009, 8, 31)) == datetime.date(2027, 2, 28)
    assert worklist.eighteenth_birthday(datetime.date(2008, 2, 29)) == datetime.date(2026, 3, 1)
    assert worklist.transition_warning_from(datetime.date(2009, 1, 15)) == datetime.date(2026, 7, 15)


@pytest.fixture
def young(world):
    """A young person in a programme for 15–23-year-olds who turns 18 a year and a bit from today."""
    today = timezone.localdate()
    base = today.replace(day=min(today.day, 28))
    born = base.replace(year=base.year - 17) + datetime.timedelta(days=100)  # turns 18 in a year and 100 days
    programme = f.ProgrammeFactory(municipality=world.municipality, min_age=15, max_age=23)
    citizen = f.CitizenFactory(municipality=world.municipality, born=born)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=programme, citizen=citizen
    )
    return pathway


def _warned(world):
    rows = worklist.worklist_counts(actor=world.coordinator).rows
    return [row for row in rows if row.transition_18_on]


def test_warning_from_six_months_before_the_birthday_until_the_meeting_is_planned(world, young):
    warn_from = worklist.transition_warning_from(young.citizen.birth_date)
    day_before = timezone.make_aware(
        datetime.datetime.combine(warn_from - datetime.timedelta(days=1), datetime.time(10))
    )
    with time_machine.travel(day_before, tick=False):
        assert _warned(world) == []
        assert worklist.worklist_counts(actor=world.coordinator).transitions_due == 0
    on_the_day = timezone.make_aware(datetime.datetime.combine(warn_from, datetime.time(10)))
    with time_machine.travel(on_the_day, tick=False):
        [row] = _warned(world)
        assert row.pathway == young and row.transition_18_on == worklist.eighteenth_birthday(young.citizen.birth_date)
        assert worklist.worklist_counts(actor=world.coordinator).transitions_due == 1
        f.MeetingFactory(pathway=young, meeting_type=MeetingType.TRANSITION_18)  # planned
        assert _warned(world) == []
    # A cancelled transition meeting does not count.
    young.meetings.update(status=MeetingStatus.CANCELLED)
    with time_machine.travel(on_the_day, tick=False):
        assert len(_warned(world)) == 1


def test_the_worklist_links_to_planning_the_meeting_with_the_type_chosen(world, young, client):
    warn_from = worklist.transition_warning_from(young.citizen.birth_date)
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(warn_from, datetime.time(10))), tick=False):
        client.force_login(world.coordinator)
        page = client.get(reverse("pathways:worklist")).content.decode()
        link = reverse("meetings:schedule", args=[young.public_id]) + "?type=transition_18"
        assert link in page
        form = client.get(link).context["form"]
        assert form["meeting_type"].value() == MeetingType.TRANSITION_18


def test_no_warning_for_adults_or_programmes_for_adults(world):
    today = timezone.localdate()
    adult_programme = f.ProgrammeFactory(municipality=world.municipality, min_age=18)
    teen = f.CitizenFactory(municipality=world.municipality, born=today.replace(year=today.year - 17, day=1))
    f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=adult_programme, citizen=teen
    )
    assert _warned(world) == []  # world.pathway's citizen is 34


def test_handover_to_adult_services_at_the_transition(world, young):
    young.programme.coordinator_department_kind = DepartmentKind.CHILDREN_YOUTH
    young.programme.transition_handover_department_kinds = [DepartmentKind.ADULT_SOCIAL, DepartmentKind.JOB_CENTRE]
    young.programme.save()
    adults = f.DepartmentFactory(municipality=world.municipality, kind=DepartmentKind.ADULT_SOCIAL)
    adult_worker = f.make_staff(adults, StaffRole.CASEWORKER)
    membership = adult_worker.memberships.get()

    def hand_over():
        young.refresh_from_db()
        return pathway_services.pathway_change_coordinator(
            actor=young.coordinator, pathway=young, membership=membership, expected_version=young.version
        )

    with pytest.raises(ValidationError):  # before the transition: children and youth only
        hand_over()
    f.MeetingFactory(pathway=young, meeting_type=MeetingType.TRANSITION_18, held=True)
    handed = hand_over()
    assert (handed.coordinator, handed.lead_department) == (adult_worker, adults)
    assert handed.pk == young.pk  # the same pathway (and plan) carries on


def test_road_to_education_allows_adult_services_and_the_job_centre():
    municipality = f.MunicipalityFactory()
    road = {p.code: p for p in programmes_seed(municipality=municipality)}["vejen-til-uddannelse"]
    assert set(road.transition_handover_department_kinds) == {DepartmentKind.ADULT_SOCIAL, DepartmentKind.JOB_CENTRE}
