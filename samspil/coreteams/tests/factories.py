"""A core team to test with, and the core team targets of the permission matrix's world."""

import datetime

from django.utils import timezone

from samspil.audit import context
from samspil.coreteams import services
from samspil.coreteams.models import CaseloadMeeting, CoreTeam, CoreTeamCase
from samspil.organisations.choices import DepartmentKind, StaffRole
from tests import factories as f


class TeamWorld:
    """A municipality with three departments, a programme, a core team (a team leader and three professionals: the
    family coordinator in *Børn og Unge*, a health nurse and a job centre caseworker) and a project leader.

    Families are opened by the coordinator (`family()`), who sees every one; the other members' places are in
    departments no consent covers, so they see none of them by the pathway rule.
    """

    def __init__(self):
        self.municipality = f.MunicipalityFactory()
        self.children = f.DepartmentFactory(municipality=self.municipality, name="Børn og Unge")
        self.health = f.DepartmentFactory(municipality=self.municipality, name="Sundhed", kind=DepartmentKind.HEALTH)
        self.job = f.DepartmentFactory(municipality=self.municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
        self.leader = f.make_staff(self.children, StaffRole.TEAM_LEADER, first_name="Tove", last_name="Leder")
        self.coordinator = f.make_staff(self.children, first_name="Karen", last_name="Koordinator")
        self.nurse = f.make_staff(self.health, StaffRole.PROFESSIONAL, first_name="Sara", last_name="Sundhed")
        self.job_worker = f.make_staff(self.job, first_name="Jens", last_name="Job")
        self.project_leader = f.make_staff(
            self.children, StaffRole.PROJECT_LEADER, first_name="Per", last_name="Projekt"
        )
        self.outsider = f.make_staff(self.children, first_name="Otto", last_name="Udenfor")
        self.programme = f.ProgrammeFactory(municipality=self.municipality, subject_kind="household")
        with context.bound(actor_id=self.project_leader.pk, request_id="test"):
            self.team = services.team_create(
                actor=self.project_leader,
                programme=self.programme,
                name="Kerneteam Øst",
                leader=self.leader,
                cadence_days=14,
                location="Rådhuset, mødelokale 3",
            )
            self.members = [
                services.member_add(actor=self.leader, team=self.team, user=user, department=department)
                for user, department in (
                    (self.coordinator, self.children),
                    (self.nurse, self.health),
                    (self.job_worker, self.job),
                )
            ]

    def family(self, *, assign: bool = True, **fields) -> object:
        pathway = f.PathwayFactory(
            family=True,
            coordinator=self.coordinator,
            lead_department=self.children,
            programme=self.programme,
            **fields,
        )
        f.HouseholdMemberFactory(household=pathway.household)
        if assign:
            self.assign(pathway)
        return pathway

    def assign(self, pathway) -> CoreTeamCase:
        with context.bound(actor_id=self.leader.pk, request_id="test"):
            return services.case_assign(actor=self.coordinator, team=self.team, pathway=pathway)

    def schedule(self, starts_at: datetime.datetime | None = None) -> CaseloadMeeting:
        if starts_at is None:
            # An hour ago, but never before today began in Copenhagen: the members are on the team from today, so a
            # meeting that began yesterday (in the first hour after midnight) would have none of them.
            now = timezone.now()
            midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time.min))
            starts_at = max(now - datetime.timedelta(hours=1), midnight)
        with context.bound(actor_id=self.leader.pk, request_id="test"):
            return services.meeting_schedule(
                actor=self.leader,
                team=self.team,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                location="",
            )

    def record(self, meeting, *, attendance=None, decisions=None, minutes="Gennemgang af familierne.", actor=None):
        actor = actor or self.coordinator
        meeting.refresh_from_db()
        attendance = attendance or {m.pk: "in_person" for m in self.members}
        with context.bound(actor_id=actor.pk, request_id="test"):
            return services.meeting_record(
                actor=actor,
                meeting=meeting,
                expected_version=meeting.version,
                attendance=attendance,
                minutes=minutes,
                decisions=decisions or {},
            )


def permission_world_coreteams(*, municipality, programme, pathway, leader, member, member_department) -> dict:
    """The matrix's core team: led by `leader` (the project leader), with `member` (the team member with consent) as a
    professional and `pathway` (main) in its caseload, and a planned caseload meeting that began yesterday (its
    list: `main`, new in the caseload). Returns the URL targets."""
    with context.bound(actor_id=leader.pk, request_id="permission-world"):
        team = CoreTeam.objects.create(
            municipality=municipality,
            programme=programme,
            name="Kerneteam (matrix)",
            leader=leader,
            location="Rådhuset",
        )
        services.member_add(actor=leader, team=team, user=member, department=member_department)
        CoreTeamCase.objects.create(municipality=municipality, team=team, pathway=pathway, assigned_by=leader)
        starts_at = timezone.now() - datetime.timedelta(days=1)
        meeting = CaseloadMeeting.objects.create(
            municipality=municipality,
            team=team,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            location="Rådhuset",
            scheduled_by=leader,
        )
    return {(None, "core_team_id"): team.public_id, (None, "caseload_meeting_id"): meeting.public_id}
