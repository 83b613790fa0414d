"""Writes for citizens: intake (search first, never a duplicate), guardians and families."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens import cpr
from samspil.citizens.choices import GuardianRelation, HouseholdRelation, HouseholdRole, role_of_relation
from samspil.citizens.models import Citizen, Guardianship, Household, HouseholdMember
from samspil.core.exceptions import ConflictError


class DuplicateCitizen(Exception):
    """The CPR number is already registered: intake must continue with the existing citizen."""

    def __init__(self, existing: Citizen):
        super().__init__(_("A citizen with this CPR number is already registered."))
        self.existing = existing


def citizen_find_by_cpr(*, municipality_id: int, digits: str) -> Citizen | None:
    return Citizen.objects.filter(municipality_id=municipality_id, cpr_index=cpr.blind_index(digits)).first()


@transaction.atomic
def citizen_create(
    *,
    actor,
    first_name: str,
    last_name: str,
    cpr_number: str,
    phone: str = "",
    email: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> Citizen:
    """Register a citizen. The actor needs a case role; the CPR number must not be registered already."""
    if not policy.can_do_case_work(actor):
        raise PermissionDenied
    digits = cpr.normalise(cpr_number)
    existing = citizen_find_by_cpr(municipality_id=actor.municipality_id, digits=digits)
    if existing is not None:
        raise DuplicateCitizen(existing)
    citizen = Citizen(
        municipality_id=actor.municipality_id,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone,
        email=email,
        street=street,
        postcode=postcode,
        city=city,
        created_by=actor,
    )
    citizen.set_cpr(digits)
    citizen.full_clean()
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:  # registered by someone else a moment ago
        raise DuplicateCitizen(citizen_find_by_cpr(municipality_id=actor.municipality_id, digits=digits)) from None
    event_record(actor=actor, code="citizen.created", municipality_id=citizen.municipality_id)
    return citizen


@transaction.atomic
def guardian_add(
    *,
    actor,
    pathway,
    child: Citizen,
    guardian: Citizen,
    relation: str,
    has_custody: bool = True,
    lives_in_home: bool = True,
) -> Guardianship:
    """Record a custody holder of a minor on the child's pathway.

    On a family pathway the custody holder joins the household when they live in the home (`lives_in_home`); one
    who lives elsewhere holds custody without being a member of the family's household.
    """
    pathway = policy.require(actor, policy.MANAGE, pathway)
    subjects = pathway.subject_ids()
    if child.pk not in subjects:
        raise ValidationError(_("The child is not part of this pathway."))
    if not child.is_minor:
        raise ValidationError(_("Only a minor has custody holders."))
    if guardian.pk == child.pk:
        raise ValidationError(_("A citizen cannot be their own custody holder."))
    if guardian.is_minor:
        raise ValidationError(_("A custody holder must be an adult."))
    if Guardianship.objects.filter(child=child, guardian=guardian, valid_to__isnull=True).exists():
        raise ValidationError(_("%(name)s is already registered as custody holder.") % {"name": guardian})
    guardianship = Guardianship.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        guardian=guardian,
        relation=relation,
        has_custody=has_custody,
    )
    if pathway.household_id and lives_in_home and guardian.pk not in subjects:
        # One plan for the whole family: a custody holder who lives in the home belongs to the family unit too.
        HouseholdMember.objects.create(
            municipality_id=pathway.municipality_id,
            household_id=pathway.household_id,
            citizen=guardian,
            role=HouseholdRole.ADULT,
            relation=_relation_of_guardian(relation, has_custody),
            added_by=actor,
        )
    event_record(
        actor=actor,
        code="guardian.added",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": guardian.full_name, "relation": relation, "child": child.first_name},
    )
    return guardianship


@transaction.atomic
def guardian_register(
    *,
    actor,
    pathway,
    child: Citizen,
    cpr_number: str,
    first_name: str = "",
    last_name: str = "",
    relation: str,
    has_custody: bool = True,
    lives_in_home: bool = True,
) -> Guardianship:
    """Record a custody holder by CPR number: the registered citizen if there is one, else a new one."""
    digits = cpr.normalise(cpr_number)
    guardian = citizen_find_by_cpr(municipality_id=child.municipality_id, digits=digits)
    if guardian is None:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(_("The person is not registered yet: give their first and last name."))
        guardian = citizen_create(actor=actor, first_name=first_name, last_name=last_name, cpr_number=digits)
    return guardian_add(
        actor=actor,
        pathway=pathway,
        child=child,
        guardian=guardian,
        relation=relation,
        has_custody=has_custody,
        lives_in_home=lives_in_home,
    )


def _relation_of_guardian(relation: str, has_custody: bool) -> str:
    """The household relation of a custody holder (or parent) who lives in the home."""
    if relation in (GuardianRelation.MOTHER, GuardianRelation.FATHER):
        return HouseholdRelation.PARENT if has_custody else HouseholdRelation.PARENT_WITHOUT_CUSTODY
    return HouseholdRelation.OTHER_ADULT


def household_for(*, citizen: Citizen) -> Household:
    """The citizen's family as a unit: the household they are a member of now, or a new one with the citizen (the
    child the pathway is about, or an adult of the home) and their custody holders as parents.

    Called inside the transaction that opens a family pathway.
    """
    membership = HouseholdMember.objects.current().filter(citizen=citizen).select_related("household").first()
    if membership is not None:
        return membership.household
    household = Household.objects.create(
        municipality_id=citizen.municipality_id, name=_("The %(name)s family") % {"name": citizen.last_name}
    )
    HouseholdMember.objects.create(
        municipality_id=citizen.municipality_id,
        household=household,
        citizen=citizen,
        role=HouseholdRole.CHILD if citizen.is_minor else HouseholdRole.ADULT,
        relation=HouseholdRelation.INDEX_CHILD if citizen.is_minor else HouseholdRelation.OTHER_ADULT,
    )
    for guardianship in Guardianship.objects.filter(child=citizen, valid_to__isnull=True):
        HouseholdMember.objects.create(
            municipality_id=citizen.municipality_id,
            household=household,
            citizen_id=guardianship.guardian_id,
            role=HouseholdRole.ADULT,
            relation=_relation_of_guardian(guardianship.relation, guardianship.has_custody),
        )
    return household


# --- the family's household: members with their relation and history ------------------------------------------


def _family_pathway(actor, pathway):
    """The family pathway, locked, for its coordinator (MANAGE), open; refused otherwise."""
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if not pathway.household_id:
        raise ValidationError(_("Only a family pathway has household members."))
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed: its family can no longer be changed."))
    return pathway


def _check_member_date(day: datetime.date, *, citizen: Citizen, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if day < citizen.birth_date:
        raise ValidationError({field: _("The date is before %(name)s was born.") % {"name": citizen.first_name}})


@transaction.atomic
def household_member_add(
    *, actor, pathway, citizen: Citizen, relation: str, member_from: datetime.date | None = None
) -> HouseholdMember:
    """Add a person to the family of a family pathway (a sibling, a step-parent, a parent without custody who lives
    in the home, …) from `member_from` (today by default). A former member can join again, from the day their last
    membership ended or later. Custody is not changed: it is registered separately (`guardian_register`)."""
    pathway = _family_pathway(actor, pathway)
    if relation not in HouseholdRelation.values:
        raise ValidationError({"relation": _("Choose the person's relation to the family.")})
    if citizen.municipality_id != pathway.municipality_id:
        raise ValidationError(_("The person is not registered in this municipality."))
    member_from = member_from or timezone.localdate()
    _check_member_date(member_from, citizen=citizen, field="member_from")
    rows = list(
        HouseholdMember.objects.select_for_update()
        .filter(municipality_id=pathway.municipality_id, household_id=pathway.household_id, citizen=citizen)
        .order_by("member_from", "id")
    )
    if any(row.member_to is None for row in rows):
        raise ValidationError(_("%(name)s is already a member of the family.") % {"name": citizen.full_name})
    last_end = max((row.member_to for row in rows), default=None)
    if last_end is not None and member_from < last_end:
        raise ValidationError(
            {
                "member_from": _(
                    "%(name)s was a member of the family until %(day)s: a new membership starts on that day or later."
                )
                % {"name": citizen.full_name, "day": last_end.strftime("%d.%m.%Y")}
            }
        )
    member = HouseholdMember(
        municipality_id=pathway.municipality_id,
        household_id=pathway.household_id,
        citizen=citizen,
        role=role_of_relation(relation),
        relation=relation,
        member_from=member_from,
        added_by=actor,
    )
    member.full_clean(exclude=["household", "citizen", "municipality", "added_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # added by someone else a moment ago
        raise ValidationError(_("%(name)s is already a member of the family.") % {"name": citizen.full_name}) from None
    event_record(
        actor=actor,
        code="household.member_added" if not rows else "household.member_rejoined",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={
            "name": citizen.full_name,
            "relation": member.get_relation_display(),
            "day": member_from.strftime("%d.%m.%Y"),
        },
    )
    return member


@transaction.atomic
def household_member_register(
    *,
    actor,
    pathway,
    cpr_number: str,
    first_name: str = "",
    last_name: str = "",
    relation: str,
    member_from: datetime.date | None = None,
) -> HouseholdMember:
    """Add a family member by CPR number: the registered citizen if there is one (found through the blind index),
    else a new one registered with the name given."""
    pathway = _family_pathway(actor, pathway)
    digits = cpr.normalise(cpr_number)
    citizen = citizen_find_by_cpr(municipality_id=pathway.municipality_id, digits=digits)
    if citizen is None:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(_("The person is not registered yet: give their first and last name."))
        citizen = citizen_create(actor=actor, first_name=first_name, last_name=last_name, cpr_number=digits)
    return household_member_add(
        actor=actor, pathway=pathway, citizen=citizen, relation=relation, member_from=member_from
    )


@transaction.atomic
def household_member_end(
    *,
    actor,
    pathway,
    member: HouseholdMember,
    reason: str,
    member_to: datetime.date | None = None,
    expected_version: int,
) -> HouseholdMember:
    """End a person's membership of the family (moved out, registered in error, …) from `member_to` (today by
    default): from that day they are no longer a subject of the pathway — no portal access as a member, no
    invitation to the family's meetings, no new goals or agreements for them. The row stays as history with its
    goals and agreements; custody, if they hold it, is not changed."""
    pathway = _family_pathway(actor, pathway)
    member = (
        HouseholdMember.objects.select_for_update()
        .select_related("citizen")
        .filter(pk=member.pk, household_id=pathway.household_id, municipality_id=pathway.municipality_id)
        .first()
    )
    if member is None:
        raise ValidationError(_("The person is not a member of this family."))
    if member.member_to is not None:
        raise ValidationError(
            _("%(name)s's membership of the family has already ended.") % {"name": member.citizen.full_name}
        )
    if member.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed %(name)s's membership while you were working on it. "
                "Reload the page to see it as it is now, then try again."
            )
            % {"name": member.citizen.full_name}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the membership ends.")})
    member_to = member_to or timezone.localdate()
    _check_member_date(member_to, citizen=member.citizen, field="member_to")
    if member_to < member.member_from:
        raise ValidationError(
            {
                "member_to": _("The membership cannot end before it began (%(day)s).")
                % {"day": member.member_from.strftime("%d.%m.%Y")}
            }
        )
    others = (
        HouseholdMember.objects.current(member_to)
        .filter(household_id=pathway.household_id)
        .exclude(citizen_id=member.citizen_id)
    )
    if not others.exists():
        raise ValidationError(_("A family pathway needs at least one member: add the new member first."))
    member.member_to, member.end_reason, member.ended_by = member_to, reason, actor
    member.version += 1
    member.save(update_fields=["member_to", "end_reason", "ended_by", "version", "updated_at"])
    from samspil.meetings.services import family_member_invitations_withdraw

    family_member_invitations_withdraw(pathway=pathway, citizen=member.citizen, from_day=member_to)
    event_record(
        actor=actor,
        code="household.member_ended",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": member.citizen.full_name, "day": member_to.strftime("%d.%m.%Y"), "reason": reason},
    )
    return member
