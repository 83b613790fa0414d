"""Which pathways a portal account reaches, in which capacity, and whether it may write: one rule, one object.

A citizen account (`User.citizen`) reaches a pathway

- **as itself** (`Capacity.SELF`) when the citizen is a subject of the pathway (its citizen, or a member of its
  family), is 15 or older, and the coordinator has given them portal access (`PortalRight`, read or write);
- **as custody holder** (`Capacity.CUSTODY`) when the citizen holds custody today (`Guardianship` with
  `has_custody`, in force) of a subject who is under 18, and the coordinator has given them portal access.

So under 15 the custody holders use the portal, from 15 to 17 both, and from the 18th birthday the young person
alone: the parents' access ends by itself, on the day, with no job to run. A parent without custody never reaches
the pathway. Writing needs the `write` level and a pathway that is not closed.

Every portal page resolves its pathway through `portal_pathway_get`, which answers 404 (and logs the refusal)
for anything else, exactly like a pathway that does not exist; `PortalPathwayMixin` (`portal.views`) then writes
the access-log rows of what the page showed. Staff and partner accounts reach no pathway here.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from samspil.audit.choices import AccessVia
from samspil.audit.services import access_denied_record
from samspil.citizens.models import ADULT_AGE, Citizen, Guardianship, years_ago
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway
from samspil.pathways.selectors import subject_citizens
from samspil.portal.choices import Capacity, PortalLevel
from samspil.portal.models import PortalRight

OWN_ACCESS_AGE = 15  # from 15 the young person uses the portal themselves (DOMAIN.md, the consent rules)


@dataclass(frozen=True)
class PortalAccess:
    """A portal account's rights on one pathway.

    - `capacity`: `Capacity.SELF` or `Capacity.CUSTODY`;
    - `person`: the account's citizen (the one who answers, consents and writes);
    - `child`: for a custody holder, the minor subject they hold custody of; else None;
    - `may_write`: write level and the pathway is not closed.
    """

    capacity: str
    person: Citizen
    child: Citizen | None
    level: str
    pathway_closed: bool

    @property
    def may_read(self) -> bool:
        return self.level in (PortalLevel.READ, PortalLevel.WRITE)

    @property
    def may_write(self) -> bool:
        return self.level == PortalLevel.WRITE and not self.pathway_closed

    @property
    def via(self) -> str:
        """The basis of a read, for the access log."""
        return AccessVia.OWN if self.capacity == Capacity.SELF else AccessVia.CUSTODY

    @property
    def is_custody_holder(self) -> bool:
        return self.capacity == Capacity.CUSTODY


def portal_person(user) -> Citizen | None:
    """The citizen a portal account belongs to; None for staff, partners and the anonymous."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_citizen_account", False):
        return None
    return user.citizen if user.citizen_id else None


def own_access_birth_limit(today: datetime.date) -> datetime.date:
    """Subjects born on or before this date are 15 or older today."""
    return years_ago(today, OWN_ACCESS_AGE)


def _children_in_custody(person: Citizen, today: datetime.date) -> list[int]:
    """The ids of the minors the person holds custody of today."""
    return list(
        Guardianship.objects.filter(
            municipality_id=person.municipality_id,
            guardian=person,
            has_custody=True,
            valid_from__lte=today,
            child__birth_date__gt=years_ago(today, ADULT_AGE),
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("child_id", flat=True)
    )


def _subject_filter(citizen_ids) -> Q:
    return Q(citizen_id__in=citizen_ids) | Q(household__memberships__citizen_id__in=citizen_ids)


def portal_pathways(user, *, today: datetime.date | None = None) -> list[Pathway]:
    """Every pathway the account reaches, newest first, each with `pathway.portal_access` set.

    A few queries whatever the municipality's size: the person's custody children, the pathways with a right of the
    person, and the subjects of those pathways.
    """
    person = portal_person(user)
    if person is None:
        return []
    today = today or timezone.localdate()
    children = _children_in_custody(person, today)
    rights = {
        right.pathway_id: right.level
        for right in PortalRight.objects.filter(municipality_id=person.municipality_id, citizen=person).exclude(
            level=PortalLevel.NONE
        )
    }
    if not rights:
        return []
    candidates = (
        Pathway.objects.filter(municipality_id=person.municipality_id, pk__in=rights)
        .filter(_subject_filter([person.pk, *children]))
        .select_related("programme", "citizen", "household", "coordinator", "lead_department")
        .distinct()
        .order_by("-opened_on", "-id")
    )
    reached = []
    for pathway in candidates:
        access = _access_for(pathway, person, children, rights[pathway.pk], today)
        if access is not None:
            pathway.portal_access = access
            reached.append(pathway)
    return reached


def _access_for(pathway, person, children, level, today) -> PortalAccess | None:
    subjects = {citizen.pk: citizen for citizen in subject_citizens(pathway)}
    closed = pathway.status == PathwayStatus.CLOSED
    if person.pk in subjects and person.birth_date <= own_access_birth_limit(today):
        return PortalAccess(Capacity.SELF, person, None, level, closed)
    for child_id in children:
        if child_id in subjects:
            return PortalAccess(Capacity.CUSTODY, person, subjects[child_id], level, closed)
    return None


def portal_pathway_get(*, user, public_id, write: bool = False, path: str = "") -> Pathway:
    """The pathway if the portal account reaches it (and may write, when `write`); else 404, logged.

    404 also for a pathway the account may read but not write to: the portal has no 403, so a read-only custody
    holder learns nothing from a write URL that a stranger would not.
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    person = portal_person(user)
    pathway = None
    if person is not None:
        today = timezone.localdate()
        pathway = (
            Pathway.objects.filter(municipality_id=person.municipality_id, public_id=public_id)
            .select_related("programme", "citizen", "household", "coordinator", "lead_department")
            .first()
        )
        if pathway is not None:
            right = PortalRight.objects.filter(
                municipality_id=person.municipality_id, pathway=pathway, citizen=person
            ).first()
            if right is not None and right.level != PortalLevel.NONE:
                access = _access_for(pathway, person, _children_in_custody(person, today), right.level, today)
                if access is not None and (access.may_write or not write):
                    pathway.portal_access = access
                    return pathway
    access_denied_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        path=path,
        pathway=pathway,
        municipality_id=getattr(user, "municipality_id", None),
    )
    raise Http404
