"""Aggregate figures for leaders: counts only, never names or case content."""

from dataclasses import dataclass

from django.db.models import Count

from samspil.access import policy
from samspil.organisations.choices import AGGREGATE_ROLES
from samspil.organisations.models import Department, Membership
from samspil.organisations.suppression import Cell, protect
from samspil.pathways.models import Pathway, TeamMember


@dataclass
class DepartmentFigures:
    department: Department
    by_programme_and_status: list  # rows with a `cell` (the count of pathways, suppressed as `suppression` says)
    open_total: Cell
    team_places: Cell


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
            {**row, "cell": Cell(value=row["n"], pathways=row["n"])}
            for row in counts
            if row["lead_department_id"] == department.pk
        ]
        # The open rows add up to the open total: primary and secondary suppression over them; closed rows primary.
        open_cells = [row["cell"] for row in rows if row["status"] != "closed"]
        open_total = Cell(
            value=sum(cell.value for cell in open_cells), pathways=sum(cell.pathways for cell in open_cells)
        )
        protect(open_cells, open_total)
        protect([row["cell"] for row in rows if row["status"] == "closed"])
        team_places = places.get(department.pk, 0)
        figures.append(
            DepartmentFigures(
                department=department,
                by_programme_and_status=rows,
                open_total=open_total,
                team_places=Cell(value=team_places, pathways=team_places),
            )
        )
        protect([figures[-1].team_places])
    return figures
