"""Aggregate figures for leaders: counts only, never names or case content."""

from dataclasses import dataclass

from django.db.models import Count

from samspil.access import policy
from samspil.organisations.choices import AGGREGATE_ROLES
from samspil.organisations.models import Department, Membership
from samspil.pathways.models import Pathway, TeamMember

# Counts from 1 to this number are shown as "fewer than 5", so a small cell cannot point at one citizen.
SMALL_COUNT = 4


@dataclass
class DepartmentFigures:
    department: Department
    by_programme_and_status: list
    open_total: int
    team_places: int


def leader_departments(*, actor) -> list[Department]:
    if not policy.can_see_aggregates(actor):
        return []
    ids = Membership.objects.current().filter(user=actor, role__in=AGGREGATE_ROLES).values("department_id")
    return list(Department.objects.visible_to(actor, policy.VIEW).filter(pk__in=ids).order_by("name"))


def department_figures(*, actor) -> list[DepartmentFigures]:
    """Pathways coordinated from each of the actor's departments, by programme and status, and team places."""
    departments = leader_departments(actor=actor)
    if not departments:
        return []
    # Counting over the whole municipality is the point here; only numbers leave this function.
    counts = (
        Pathway.objects.filter(municipality_id=actor.municipality_id, lead_department__in=departments)
        .values("lead_department_id", "programme__name", "status")
        .annotate(n=Count("id"))
        .order_by("programme__name", "status")
    )
    places = dict(
        TeamMember.objects.current()
        .filter(municipality_id=actor.municipality_id, department__in=departments, pathway__closed_on__isnull=True)
        .values_list("department_id")
        .annotate(n=Count("id"))
    )
    figures = []
    for department in departments:
        rows = [
            {**row, "suppressed": 0 < row["n"] <= SMALL_COUNT}
            for row in counts
            if row["lead_department_id"] == department.pk
        ]
        figures.append(
            DepartmentFigures(
                department=department,
                by_programme_and_status=rows,
                open_total=sum(row["n"] for row in rows if row["status"] != "closed"),
                team_places=places.get(department.pk, 0),
            )
        )
    return figures
