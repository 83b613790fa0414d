"""Who may use a pathway in the portal, as the coordinator decides it (issue 9, part 6; seed 002: the case's creator
decides whether the young person and the parents may read and write).

`portal_people` lists the people the coordinator can give portal access on one pathway, with their level now:

- each subject aged 15 or older (the young person, the adult citizen, an adult or teenage family member);
- each current custody holder of a minor subject (a parent *without* custody is never offered);
- a subject under 15 is listed without a choice: the custody holders use the portal for them.

It is the same rule `portal.access` applies when the account logs in (custody in force today, the ages counted
today), so the coordinator is never offered a right that would open nothing. `portal_right_set` is the one writer
of `PortalRight`: the coordinator only (MANAGE), with the row's `version` checked, change-logged, and the event
`portal.right_set` on the timeline.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens.models import Citizen, Guardianship, custody_held_on, years_between
from samspil.core.db import JoinedText
from samspil.core.exceptions import ConflictError
from samspil.pathways.models import Pathway
from samspil.pathways.selectors import subject_citizens
from samspil.portal.access import OWN_ACCESS_AGE
from samspil.portal.choices import PortalLevel
from samspil.portal.models import PortalRight

SUBJECT = "subject"
CUSTODY_HOLDER = "custody_holder"


@dataclass(frozen=True)
class PortalPerson:
    """One line of the overview's "Portal access" section."""

    citizen: Citizen
    kind: str  # SUBJECT or CUSTODY_HOLDER
    children: tuple[Citizen, ...]  # for a custody holder: the minor subjects in their custody
    level: str
    version: int  # the right's version; 0 while no right has been set
    may_have_access: bool  # False: a subject under 15 (their custody holders use the portal)

    @property
    def level_label(self) -> str:
        return str(PortalLevel(self.level).label)

    @property
    def form_key(self) -> str:
        return f"portal-{self.citizen.public_id}"


# --- the levels, read with the pathway ------------------------------------------------------------------------


def portal_rights_annotation() -> dict:
    """For Pathway rows: the portal rights as "citizen id:level:version" joined by commas, read in the query that
    loads the pathway anyway (`pathway_get(annotations=...)`), so the overview makes no query of its own for them."""
    rights = (
        PortalRight.objects.filter(pathway_id=OuterRef("pk"))
        .order_by()
        .values("pathway_id")
        .annotate(
            joined=JoinedText(
                Concat(
                    Cast("citizen_id", output_field=CharField()),
                    Value(":"),
                    "level",
                    Value(":"),
                    Cast("version", output_field=CharField()),
                    output_field=CharField(),
                )
            )
        )
        .values("joined")
    )
    return {"portal_rights_joined": Subquery(rights, output_field=TextField())}


def _rights_of(pathway: Pathway) -> dict[int, tuple[str, int]]:
    """{citizen id: (level, version)} of the pathway's portal rights: from the annotation when the pathway was read
    with it, else one query."""
    if hasattr(pathway, "portal_rights_joined"):
        rights = {}
        for part in JoinedText.split(pathway.portal_rights_joined):
            citizen_id, level, version = part.split(":")
            rights[int(citizen_id)] = (level, int(version))
        return rights
    return {
        citizen_id: (level, version)
        for citizen_id, level, version in PortalRight.objects.filter(
            municipality_id=pathway.municipality_id, pathway=pathway
        ).values_list("citizen_id", "level", "version")
    }


# --- who can be given access ---------------------------------------------------------------------------------


def custody_in_force(guardianship: Guardianship, today: datetime.date) -> bool:
    """Custody held today (the rule `portal.access` applies at log-in)."""
    return (
        guardianship.has_custody
        and guardianship.valid_from <= today
        and (guardianship.valid_to is None or guardianship.valid_to >= today)
    )


def portal_people(
    pathway: Pathway, *, subjects: list | None = None, guardianships: list | None = None
) -> list[PortalPerson]:
    """The people the coordinator can give portal access on `pathway`, subjects first, each once.

    The overview passes the subjects and guardianships it has read already (then only the rights are needed, and
    they come with the pathway); without them they are read here (two queries).
    """
    today = timezone.localdate()
    subjects = subject_citizens(pathway) if subjects is None else subjects
    minors = {citizen.pk: citizen for citizen in subjects if years_between(citizen.birth_date, today) < 18}
    if guardianships is None:
        guardianships = list(
            Guardianship.objects.filter(
                custody_held_on(today), municipality_id=pathway.municipality_id, child_id__in=list(minors)
            ).select_related("guardian")
        )
    rights = _rights_of(pathway)

    def person(citizen, kind, children=(), may=True) -> PortalPerson:
        level, version = rights.get(citizen.pk, (PortalLevel.NONE, 0))
        return PortalPerson(citizen, kind, tuple(children), level if may else PortalLevel.NONE, version, may)

    people = [
        person(citizen, SUBJECT, may=years_between(citizen.birth_date, today) >= OWN_ACCESS_AGE) for citizen in subjects
    ]
    listed = {citizen.pk for citizen in subjects}
    holders: dict[int, tuple[Citizen, list]] = {}
    for guardianship in guardianships:
        if guardianship.child_id in minors and custody_in_force(guardianship, today):
            guardian = guardianship.guardian
            holders.setdefault(guardian.pk, (guardian, []))[1].append(minors[guardianship.child_id])
    for guardian_id, (guardian, children) in sorted(holders.items(), key=lambda item: item[1][0].full_name):
        if guardian_id in listed:
            continue  # a parent in the family's own pathway is listed once, as themself
        people.append(person(guardian, CUSTODY_HOLDER, children))
    return people


# --- the one writer ----------------------------------------------------------------------------------------


@transaction.atomic
def portal_right_set(
    *, actor, pathway: Pathway, citizen: Citizen, level: str, expected_version: int
) -> PortalRight | None:
    """Set `citizen`'s portal access on `pathway` to `level` (`PortalLevel`). The coordinator only.

    `expected_version` is the version of the right the coordinator saw (0: none yet); if someone changed it since,
    `ConflictError` and nothing is written. Setting the level a person already has writes nothing. Returns the
    right (None when "no access" was chosen for someone who never had a right).
    """
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if level not in PortalLevel.values:
        raise ValidationError(_("Choose one of the levels of access."))
    eligible = {person.citizen.pk: person for person in portal_people(pathway) if person.may_have_access}
    if citizen.municipality_id != pathway.municipality_id or citizen.pk not in eligible:
        raise ValidationError(
            _(
                "%(name)s cannot be given access to the portal on this pathway: only the citizen from the age of 15 "
                "and the custody holders of a child under 18 can."
            )
            % {"name": citizen.full_name}
        )
    right = (
        PortalRight.objects.select_for_update()
        .filter(municipality_id=pathway.municipality_id, pathway=pathway, citizen=citizen)
        .first()
    )
    if (right.version if right else 0) != expected_version:
        raise _conflict(citizen)
    if right is None:
        if level == PortalLevel.NONE:
            return None
        try:
            with transaction.atomic():
                right = PortalRight.objects.create(
                    municipality_id=pathway.municipality_id, pathway=pathway, citizen=citizen, level=level, set_by=actor
                )
        except IntegrityError:
            raise _conflict(citizen) from None
    elif right.level == level:
        return right
    else:
        right.level, right.set_by, right.version = level, actor, right.version + 1
        right.save(update_fields=["level", "set_by", "version", "updated_at"])
    event_record(
        actor=actor,
        code="portal.right_set",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": citizen.full_name, "portal_level": level},
    )
    return right


def _conflict(citizen: Citizen) -> ConflictError:
    return ConflictError(
        _("Someone else changed %(name)s's access to the portal in the meantime. See the level now and choose again.")
        % {"name": citizen.full_name}
    )
