"""Which pathways a portal account reaches, in which capacity, and whether it may write: one rule, one object.

A citizen account (`User.citizen`) reaches a pathway

- **as itself** (`Capacity.SELF`) when the citizen is a subject of the pathway (its citizen, or a current member of
  its family: one whose membership has ended no longer is), is 15 or older, and the coordinator has given them portal
  access (`PortalRight`, read or write);
- **as custody holder** (`Capacity.CUSTODY`) when the citizen holds custody today (`Guardianship` with
  `has_custody`, in force) of a subject who is under 18, and the coordinator has given them portal access.

So under 15 the custody holders use the portal, from 15 to 17 both, and from the 18th birthday the young person
alone: the parents' access ends by itself, on the day, with no job to run. A parent without custody never reaches
the pathway. Writing needs the `write` level and a pathway that is not closed.

Every portal page resolves its pathway through `portal_pathway_get`, which answers 404 (and logs the refusal)
for anything else, exactly like a pathway that does not exist; `PortalPathwayMixin` (`portal.views`) then writes
the access-log rows of what the page showed. Staff accounts reach no pathway here.

A partner account (`User.external_contact`, an external professional) reaches a pathway **as invited partner**
(`Capacity.PARTNER`) while the coordinator's invitation is accepted and not ended, the team place it was given for
is current, and the account is active: `partner_pathways` / `partner_pathway_get` below, with a `PartnerAccess`
whose `via` is `AccessVia.PARTNER`. The partner pages (`partners.views`) resolve every pathway through them.
"""

import datetime
import functools
import uuid
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from samspil.audit.choices import AccessVia
from samspil.audit.services import access_denied_record
from samspil.citizens.models import (
    ADULT_AGE,
    Citizen,
    Guardianship,
    HouseholdMember,
    custody_held_on,
    household_member_current_on,
    years_ago,
)
from samspil.core.db import STAND_IN_IDS, Variable, precompiled_rows
from samspil.partners.choices import PartnerLevel
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
    """The ids of the minors the person holds custody of on `today`. For the current day the query is compiled
    once per municipality and day (`core.db.precompiled_rows`; the person is its parameter)."""

    def build(values):
        return Guardianship.objects.filter(
            custody_held_on(today),
            municipality_id=person.municipality_id,
            guardian_id=values["person"],
            child__birth_date__gt=years_ago(today, ADULT_AGE),
        ).values_list("child_id", flat=True)

    person_variable = {"person": Variable(person.pk, -1, -2, Guardianship._meta.get_field("guardian"))}
    if today != timezone.localdate():
        return list(build({"person": person.pk}))
    # The day its SQL holds is in the key as well: `precompiled_rows` adds the day it reads itself, which after
    # midnight may be the day after `today`.
    key = ("children_in_custody", person.municipality_id, today)
    return precompiled_rows(build, key=key, variables=person_variable)


def _subject_filter(citizen_ids, today: datetime.date) -> Q:
    """Pathways about these citizens: their own, or a family's they are a current member of (a member whose
    membership has ended no longer reaches the family's pathway as a subject)."""
    return Q(citizen_id__in=citizen_ids) | Q(
        pk__in=Pathway.objects.filter(
            household_member_current_on(today, prefix="household__memberships__"),
            household__memberships__citizen_id__in=citizen_ids,
        ).values("pk")
    )


def portal_pathways(user, *, today: datetime.date | None = None) -> list[Pathway]:
    """Every pathway the account reaches, newest first, each with `pathway.portal_access` set.

    A few queries whatever the municipality's size: the person's custody children, the pathways with a right of the
    person, and the subjects of those pathways. The pathways' query joins only to-one relations and reaches families
    through a subquery, so no row comes twice: no DISTINCT, which over the joined columns took PostgreSQL ~5 ms to
    plan against ~1 ms without.
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
    candidates = list(
        Pathway.objects.filter(municipality_id=person.municipality_id, pk__in=rights)
        .filter(_subject_filter([person.pk, *children], today))
        .select_related("programme", "citizen", "household", "coordinator", "lead_department")
        .order_by("-opened_on", "-id")
    )
    _read_family_subjects(candidates, today)
    reached = []
    for pathway in candidates:
        access = _access_for(pathway, person, children, rights[pathway.pk], today)
        if access is not None:
            pathway.portal_access = access
            reached.append(pathway)
    return reached


def _read_family_subjects(pathways: list[Pathway], today: datetime.date | None = None) -> None:
    """The current members of every family among `pathways`, in one query, kept on each pathway for
    `subject_citizens` (the same rule as `subject_citizens` itself)."""
    families: dict[int, list[Pathway]] = {}
    for pathway in pathways:
        if not pathway.citizen_id:
            families.setdefault(pathway.household_id, []).append(pathway)
    if not families:
        return
    members: dict[int, list[Citizen]] = {}
    members_now = HouseholdMember.objects.current(today).filter(household_id__in=families).select_related("citizen")
    for member in members_now.order_by("member_from", "id"):
        members.setdefault(member.household_id, []).append(member.citizen)
    for household_id, family_pathways in families.items():
        for pathway in family_pathways:
            pathway._subject_citizens = members.get(household_id, [])


def _access_for(pathway, person, children, level, today) -> PortalAccess | None:
    """How the person reaches the pathway: as a subject of 15 or more, else as custody holder of a subject. `children`
    is the ids of the minors the person holds custody of, or a function that reads them: it is called only when
    the person does not reach the pathway as themselves, so a young person's or an adult's page skips the query."""
    subjects = {citizen.pk: citizen for citizen in subject_citizens(pathway)}
    closed = pathway.status == PathwayStatus.CLOSED
    if person.pk in subjects and person.birth_date <= own_access_birth_limit(today):
        return PortalAccess(Capacity.SELF, person, None, level, closed)
    if callable(children):
        children = children()
    for child_id in children:
        if child_id in subjects:
            return PortalAccess(Capacity.CUSTODY, person, subjects[child_id], level, closed)
    return None


def _refuse(*, user, path: str, pathway: Pathway | None):
    """404, exactly as for a pathway that does not exist, and the refusal logged (an `access.denied` event on the
    pathway when it is in the account's municipality)."""
    access_denied_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        path=path,
        pathway=pathway,
        municipality_id=getattr(user, "municipality_id", None),
    )
    raise Http404


def portal_pathway_get(*, user, public_id, write: bool = False, path: str = "", with_unread: bool = False) -> Pathway:
    """The pathway if the portal account reaches it (and may write, when `write`); else 404, logged. With
    `with_unread`, the number of messages the account has not read comes with it (the pages' tab of unread
    messages, `documents_unread_messages`).

    The pathway, its related rows and the account's right on it are one query, compiled once per municipality and day
    (`core.db.precompiled_rows`): building it cost more than PostgreSQL spent running it.

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
        pathway = _portal_pathway_row(user, person, public_id, with_unread=with_unread)
        level = getattr(pathway, "portal_right_level", None)
        if level is not None and level != PortalLevel.NONE:
            access = _access_for(pathway, person, lambda: _children_in_custody(person, today), level, today)
            if access is not None and (access.may_write or not write):
                pathway.portal_access = access
                return pathway
    _refuse(user=user, path=path, pathway=pathway)


_STAND_IN_PEOPLE = (-1_000_001, -1_000_002)  # the person whose right is read
_STAND_IN_ACCOUNTS = (-2_000_001, -2_000_002)  # the account whose unread messages are counted


def _portal_pathway_row(user, person: Citizen, public_id: uuid.UUID, *, with_unread: bool) -> Pathway | None:
    """The pathway of the person's municipality with `portal_right_level` (the person's right on it, or None) and,
    with `with_unread`, the account's unread messages. Compiled once per municipality (the pathway, the person
    and the account are the query's parameters), so every portal account of a worker shares it."""
    from samspil.accounts.models import User
    from samspil.documents.selectors import unread_messages_annotation

    def build(values):
        right = PortalRight.objects.filter(
            municipality_id=person.municipality_id, pathway=OuterRef("pk"), citizen_id=values["person"]
        ).values("level")[:1]
        unread = {}
        if with_unread:  # the account as the annotation needs it: its id and that it is a citizen's
            unread = unread_messages_annotation(User(pk=values["account"], kind=user.kind))
        return (
            Pathway.objects.filter(municipality_id=person.municipality_id, public_id=values["public_id"])
            .select_related("programme", "citizen", "household", "coordinator", "lead_department")
            .annotate(portal_right_level=Subquery(right, output_field=CharField()), **unread)
            .order_by("pk")[:1]
        )

    variables = {
        "public_id": Variable(public_id, *STAND_IN_IDS, Pathway._meta.get_field("public_id")),
        "person": Variable(person.pk, *_STAND_IN_PEOPLE, PortalRight._meta.get_field("citizen")),
    }
    if with_unread:
        variables["account"] = Variable(user.pk, *_STAND_IN_ACCOUNTS, User._meta.get_field("id"))
    rows = precompiled_rows(
        build,
        key=("portal_pathway_get", person.municipality_id, user.kind, with_unread),
        variables=variables,
    )
    return rows[0] if rows else None


# --- partners: external professionals invited to a pathway (`samspil.partners`) ------------------------------


@dataclass(frozen=True)
class PartnerAccess:
    """A partner account's rights on one pathway, through the invitation it accepted.

    - `invitation`: the accepted `partners.PartnerInvitation` in force;
    - `team_member`: the external team place it was given for (their agreements and meetings hang off it);
    - `may_write`: write level and the pathway is not closed.
    """

    invitation: object
    team_member: object
    level: str
    pathway_closed: bool

    capacity = Capacity.PARTNER
    is_custody_holder = False

    @property
    def may_read(self) -> bool:
        return True

    @property
    def may_write(self) -> bool:
        return self.level == PartnerLevel.WRITE and not self.pathway_closed

    @property
    def via(self) -> str:
        return AccessVia.PARTNER


def partner_contact_id(user) -> int | None:
    """The external contact a partner account is; None for every other account and the anonymous."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_partner_account", False):
        return None
    if not user.is_active or not user.municipality_id:
        return None
    return user.external_contact_id


def _partner_invitations_in_force(user, contact_id: int, today: datetime.date):
    """The account's accepted pathway invitations in force today: not ended, and the team place current (a drop-in
    centre's invitation reaches no pathway: `outreach.access.partner_centre`)."""
    from samspil.partners.models import PartnerInvitation

    return (
        PartnerInvitation.objects.filter(
            municipality_id=user.municipality_id,
            pathway__isnull=False,
            meeting__isnull=True,  # an outside expert's meeting invitation reaches the meeting only (meetings.experts)
            external_contact_id=contact_id,
            account=user,
            accepted_at__isnull=False,
            ended_at__isnull=True,
            team_member__active_from__lte=today,
        )
        .filter(Q(team_member__active_to__isnull=True) | Q(team_member__active_to__gte=today))
        .select_related("team_member")
    )


def _partner_access(pathway, invitations) -> PartnerAccess:
    """The access of the strongest invitation (write before read) among those for one pathway."""
    invitation = max(invitations, key=lambda row: (row.level == PartnerLevel.WRITE, row.accepted_at))
    return PartnerAccess(
        invitation=invitation,
        team_member=invitation.team_member,
        level=invitation.level,
        pathway_closed=pathway.status == PathwayStatus.CLOSED,
    )


def partner_pathways(user, *, today: datetime.date | None = None) -> list[Pathway]:
    """Every pathway a partner account's access is in force on, newest first, each with `pathway.portal_access` (a
    `PartnerAccess`). Two queries whatever the number of invitations."""
    contact_id = partner_contact_id(user)
    if contact_id is None:
        return []
    by_pathway: dict[int, list] = {}
    for invitation in _partner_invitations_in_force(user, contact_id, today or timezone.localdate()):
        by_pathway.setdefault(invitation.pathway_id, []).append(invitation)
    if not by_pathway:
        return []
    pathways = list(
        Pathway.objects.filter(municipality_id=user.municipality_id, pk__in=by_pathway)
        .select_related("programme", "citizen", "household", "coordinator", "lead_department")
        .order_by("-opened_on", "-id")
    )
    for pathway in pathways:
        pathway.portal_access = _partner_access(pathway, by_pathway[pathway.pk])
    return pathways


def partner_pathway_get(*, user, public_id, write: bool = False, path: str = "") -> Pathway:
    """The pathway if the partner account's access to it is in force (and allows writing, when `write`); else 404,
    logged (an `access.denied` event on the pathway when it is in the account's municipality).

    In force means: an invitation of this account's contact, accepted by this account and not ended, for a team
    place that is current today, and an active account. A read-only partner gets 404 on a write URL too.
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    contact_id = partner_contact_id(user)
    pathway = None
    if contact_id is not None:
        pathway = (
            Pathway.objects.filter(municipality_id=user.municipality_id, public_id=public_id)
            .select_related("programme", "citizen", "household", "coordinator", "lead_department")
            .first()
        )
        if pathway is not None:
            invitations = list(
                _partner_invitations_in_force(user, contact_id, timezone.localdate()).filter(pathway=pathway)
            )
            if invitations:
                access = _partner_access(pathway, invitations)
                if access.may_write or not write:
                    pathway.portal_access = access
                    return pathway
    _refuse(user=user, path=path, pathway=pathway)


def portal_readers(pathway: Pathway, *, today: datetime.date | None = None) -> list[Citizen]:
    """The people who reach `pathway` in the portal today (read or write), by the rule above: whom to tell of news."""
    today = today or timezone.localdate()
    rights = (
        PortalRight.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .exclude(level=PortalLevel.NONE)
        .select_related("citizen")
    )
    return [
        right.citizen
        for right in rights
        if _access_for(
            pathway, right.citizen, functools.partial(_children_in_custody, right.citizen, today), right.level, today
        )
        is not None
    ]


def portal_pathway_lock(*, user, pathway: Pathway, write: bool) -> Pathway:
    """Inside a service's transaction: the pathway if the portal account still reaches it (and may write, when
    `write`), worked out again from the rows as they are now; else 404, logged.

    The pathway's row is locked first (as the plan's services lock it, so version numbers never clash), then the
    account's portal right, so a right taken away or custody ended while the page was open is seen.
    """
    person = portal_person(user)
    if person is None:
        raise Http404
    list(Pathway.objects.select_for_update().filter(pk=pathway.pk, municipality_id=person.municipality_id).values("pk"))
    list(PortalRight.objects.select_for_update().filter(pathway_id=pathway.pk, citizen=person).values("pk"))
    return portal_pathway_get(user=user, public_id=pathway.public_id, write=write)
