"""Shared helpers of this app's tests (imported by the test modules, after Django is set up)."""

import datetime

from django.utils import timezone

from samspil.organisations.choices import StaffRole
from samspil.pathways.choices import CollaborationModel
from tests import factories as f

START = datetime.date(2026, 1, 5)
LONG_AGO = datetime.date(2020, 1, 1)  # memberships from long before any day a test moves the clock to


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def staff(department, role, **fields):
    user = f.StaffUserFactory(municipality=department.municipality, **fields)
    f.MembershipFactory(user=user, department=department, role=role, active_from=LONG_AGO)
    return user


class Org:
    """A municipality with a project leader, a department head (aggregates only), a caseworker and the road to
    education as a programme."""

    def __init__(self):
        self.department = f.DepartmentFactory()
        self.municipality = self.department.municipality
        self.leader = staff(self.department, StaffRole.PROJECT_LEADER, first_name="Pia", last_name="Projekt")
        self.head = staff(self.department, StaffRole.DEPARTMENT_HEAD)
        self.caseworker = staff(self.department, StaffRole.CASEWORKER)
        self.programme = f.ProgrammeFactory(
            municipality=self.municipality,
            code="vejen",
            name="Vejen til uddannelse",
            model=CollaborationModel.ROAD_TO_EDUCATION,
        )
