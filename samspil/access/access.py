"""What the acting user may do on one pathway: one answer per request, read with the pathway itself.

`pathways.selectors.pathway_get` (every pathway page) and `policy.require` (every service) read the pathway with
the user's rights as annotations (`scopes.pathway_rights`, built from the same rule functions as the pathway
scope) and put a `PathwayAccess` on it as `pathway.access`. Selectors, templates, views and the access log take
their answers from that object; nothing compares `coordinator_id` with the user or asks the policy again.
"""

from dataclasses import dataclass

from samspil.access import policy
from samspil.audit.choices import AccessVia
from samspil.core.db import JoinedText


@dataclass(frozen=True)
class PathwayAccess:
    """The acting user's rights on one pathway, and the departments its sharing basis covers.

    - `is_coordinator`: the user coordinates the pathway *and* still holds a current membership in the coordinating
      department: exactly the MANAGE rule. A former coordinator (the pathway still names them, but they left the
      department) is not the coordinator, even when they are back through a grant or break-glass.
    - `may_contribute`: coordinator or a covered team place (CONTRIBUTE).
    - `may_view`: that, or a grant or break-glass opening in force (VIEW).
    - `via_grant`, `via_break_glass`: a grant or break-glass opening of the user is in force now.
    - `covered_department_ids`: the departments that may receive the pathway's data: the coordinating department,
      departments with a legal basis in force, and departments a consent in force from the right giver covers
      (`scopes.department_covered`, the same rule).
    """

    may_view: bool
    may_contribute: bool
    is_coordinator: bool
    via_grant: bool
    via_break_glass: bool
    covered_department_ids: frozenset[int]

    @property
    def may_manage(self) -> bool:
        return self.is_coordinator

    @property
    def via(self) -> str:
        """The basis of a read, for the access log (`audit.choices.AccessVia`); "" when the user may not view."""
        if self.may_contribute:
            return AccessVia.SCOPE
        if self.via_grant:
            return AccessVia.GRANT
        if self.via_break_glass:
            return AccessVia.BREAK_GLASS
        return ""

    @property
    def shows_internal_notes(self) -> bool:
        """Internal notes (the plan's case-file edition) are for the coordinator and covered team places only."""
        return self.may_contribute

    def allows(self, action: str) -> bool:
        """Whether the user may do `action` on the pathway: the pathway scope's answer for this row."""
        if action == policy.MANAGE:
            return self.is_coordinator
        if action == policy.CONTRIBUTE:
            return self.may_contribute
        if action == policy.VIEW:
            return self.may_view
        return False  # INTAKE and AGGREGATE never reach a pathway

    def covers(self, department_id) -> bool:
        return department_id in self.covered_department_ids

    @classmethod
    def from_row(cls, pathway) -> "PathwayAccess":
        """Read the annotations of `scopes.pathway_rights` off a pathway row."""
        coordinator = bool(pathway.access_coordinator)
        contribute = coordinator or bool(pathway.access_team_place)
        grant, glass = bool(pathway.access_grant), bool(pathway.access_break_glass)
        return cls(
            may_view=contribute or grant or glass,
            may_contribute=contribute,
            is_coordinator=coordinator,
            via_grant=grant,
            via_break_glass=glass,
            covered_department_ids=frozenset(int(pk) for pk in JoinedText.split(pathway.access_covered)),
        )


NO_ACCESS = PathwayAccess(
    may_view=False,
    may_contribute=False,
    is_coordinator=False,
    via_grant=False,
    via_break_glass=False,
    covered_department_ids=frozenset(),
)


def pathway_access(*, actor, pathway) -> PathwayAccess:
    """`pathway.access` when the pathway was read with it (`pathway_get`, `policy.require`), else one query for it."""
    access = getattr(pathway, "access", None)
    if isinstance(access, PathwayAccess):
        return access
    from samspil.access import scopes
    from samspil.pathways.models import Pathway

    if not policy.is_municipal_staff(actor):
        return NO_ACCESS
    row = (
        Pathway.objects.filter(pk=pathway.pk, municipality_id=actor.municipality_id)
        .annotate(**scopes.pathway_rights(actor))
        .only("pk")
        .first()
    )
    return NO_ACCESS if row is None else PathwayAccess.from_row(row)
