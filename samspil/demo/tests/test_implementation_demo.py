"""The demo's drop-in programme organised as seed 004 describes it, on a small municipality (not the whole demo)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from samspil.demo.implementation_demo import implementation_demo, project_leader
from samspil.implementation import rules, services
from samspil.implementation.choices import GroupKind
from samspil.implementation.models import GroupDecision, GroupMeeting, GroupMember, ProgrammeGroup
from samspil.organisations.choices import ExternalOrganisationKind, StaffRole
from samspil.pathways.models import Programme
from samspil.pathways.programmes import DROP_IN
from tests import factories as f

pytestmark = pytest.mark.django_db

ANCHOR = datetime.date(2026, 11, 1)  # the loader's reference date; the programme started 19 months before


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)), timezone.get_default_timezone())


@pytest.fixture
def municipality():
    municipality = f.MunicipalityFactory()
    departments = {
        name: f.DepartmentFactory(municipality=municipality, name=name)
        for name in ("Jobcenter", "Ydelse", "Misbrugscenter", "Voksen og Social")
    }
    for name, role, first, title in (
        ("Jobcenter", StaffRole.DEPARTMENT_HEAD, "Jens", "Jobcenterchef"),
        ("Ydelse", StaffRole.TEAM_LEADER, "Yrsa", "Teamleder"),
        ("Voksen og Social", StaffRole.DEPARTMENT_HEAD, "Vera", "Afdelingsleder"),
        ("Voksen og Social", StaffRole.PROFESSIONAL, "Sune", "Støtte- og kontaktperson"),
    ):
        f.make_staff(departments[name], role, first_name=first, last_name="Demo", job_title=title)
    for name, kind, contact, title in (
        ("Værestedet Lyspunktet", ExternalOrganisationKind.DROP_IN_MUNICIPAL, "Lone Bech", "Leder af værestedet"),
        ("Café Fællesrummet", ExternalOrganisationKind.DROP_IN_MUNICIPAL, "Gitte Dalsgaard", "Daglig leder"),
        ("Foreningen Åbne Døre", ExternalOrganisationKind.DROP_IN_PRIVATE, "Jytte Krogh", "Frivillig koordinator"),
        ("Demoby Skole", ExternalOrganisationKind.SCHOOL, "Lærke Borup", "Klasselærer"),
    ):
        organisation = f.ExternalOrganisationFactory(municipality=municipality, name=name, kind=kind)
        f.ExternalContactFactory(organisation=organisation, name=contact, title=title)
    # Only the drop-in programme: the others' demo is not what this file is about (and costs time).
    for programme in Programme.objects.filter(municipality=municipality).exclude(code=DROP_IN):
        programme.target_groups.all().delete()
        programme.delete()
    return municipality


def test_the_drop_in_programme_has_its_implementation_team_steering_group_and_working_group(municipality):
    with time_machine.travel(_at(ANCHOR), tick=False):
        assert implementation_demo(municipality) == 1
    groups = {
        g.kind: g for g in ProgrammeGroup.objects.filter(programme__municipality=municipality, programme__code=DROP_IN)
    }
    assert set(groups) == {GroupKind.STEERING_GROUP, GroupKind.IMPLEMENTATION_TEAM, GroupKind.WORKING_GROUP}
    team, steering = groups[GroupKind.IMPLEMENTATION_TEAM], groups[GroupKind.STEERING_GROUP]
    members = [(m.display_name, m.role) for m in GroupMember.objects.filter(group=team).order_by("id")]
    assert members == [
        ("Rasmus Kirkegaard", "Projektleder (indkalder og leder møderne)"),
        ("Jens Demo", "Leder, Jobcenter (fremskudt sagsbehandling)"),
        ("Yrsa Demo", "Leder, Ydelseskontoret"),
        ("Vera Demo", "Leder, Voksen og Social"),
        ("Sune Demo", "SKP (styrket SKP-ordning)"),
        ("Gitte Dalsgaard (Café Fællesrummet)", "Værestedets repræsentant (Daglig leder)"),
        ("Jytte Krogh (Foreningen Åbne Døre)", "Værestedets repræsentant (Frivillig koordinator)"),
        ("Lone Bech (Værestedet Lyspunktet)", "Værestedets repræsentant (Leder af værestedet)"),
        ("Erik Mølgaard", "Brugerrepræsentant (formand for Udsatterådet)"),
    ]
    # Started 1 April 2025: a month in, then six weeks later, then every 91 days; the next one planned.
    days = list(GroupMeeting.objects.filter(group=team).order_by("held_on").values_list("held_on", flat=True))
    assert days == [
        datetime.date(2025, 5, 1),
        datetime.date(2025, 6, 16),
        datetime.date(2025, 9, 15),
        datetime.date(2025, 12, 15),
        datetime.date(2026, 3, 16),
        datetime.date(2026, 6, 15),
        datetime.date(2026, 9, 14),
        datetime.date(2026, 12, 14),
    ]
    held = GroupMeeting.objects.filter(group=team, held_on__lte=ANCHOR)
    assert all(meeting.minutes for meeting in held)
    assert not GroupMeeting.objects.get(group=team, held_on=datetime.date(2026, 12, 14)).minutes
    decisions = GroupDecision.objects.filter(meeting__group=team)
    assert decisions.filter(done_on__isnull=True).count() == 1  # the last meeting's, due in a month
    assert rules.cadence_warning(team, list(GroupMeeting.objects.filter(group=team)), ANCHOR) is None
    assert steering.cadence_days == 182
    assert GroupMember.objects.filter(group=steering, name="Mette Vinding").exists()
    assert GroupMeeting.objects.filter(group=steering, held_on__gt=ANCHOR).count() == 1

    with time_machine.travel(_at(ANCHOR), tick=False):
        count = GroupMember.objects.count(), GroupMeeting.objects.count(), GroupDecision.objects.count()
        assert implementation_demo(municipality) == 0
        assert (GroupMember.objects.count(), GroupMeeting.objects.count(), GroupDecision.objects.count()) == count


def test_a_drop_in_programme_set_up_before_seed_004s_groups_gets_them_once(municipality):
    programme = Programme.objects.get(municipality=municipality, code=DROP_IN)
    with time_machine.travel(_at(ANCHOR), tick=False):
        services.implementation_setup(actor=project_leader(municipality), programme=programme)
        ProgrammeGroup.objects.filter(programme=programme).delete()  # as an earlier template left it: no such groups
        assert implementation_demo(municipality) == 0
        kinds = set(ProgrammeGroup.objects.filter(programme=programme).values_list("kind", flat=True))
        assert kinds == {GroupKind.STEERING_GROUP, GroupKind.IMPLEMENTATION_TEAM, GroupKind.WORKING_GROUP}
        meetings = GroupMeeting.objects.count()
        implementation_demo(municipality)
        assert GroupMeeting.objects.count() == meetings
