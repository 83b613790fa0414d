"""Writes for citizens: intake (search first, never a duplicate), guardians and families."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens import cpr
from samspil.citizens.choices import HouseholdRole
from samspil.citizens.models import Citizen, Guardianship, Household, HouseholdMember


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
    *, actor, pathway, child: Citizen, guardian: Citizen, relation: str, has_custody: bool = True
) -> Guardianship:
    """Record a custody holder of a minor on the child's pathway."""
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
    if pathway.household_id and guardian.pk not in subjects:
        # One plan for the whole family: the custody holder belongs to the family unit too.
        HouseholdMember.objects.create(
            municipality_id=pathway.municipality_id,
            household_id=pathway.household_id,
            citizen=guardian,
            role=HouseholdRole.ADULT,
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
) -> Guardianship:
    """Record a custody holder by CPR number: the registered citizen if there is one, else a new one."""
    digits = cpr.normalise(cpr_number)
    guardian = citizen_find_by_cpr(municipality_id=child.municipality_id, digits=digits)
    if guardian is None:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(_("The person is not registered yet: give their first and last name."))
        guardian = citizen_create(actor=actor, first_name=first_name, last_name=last_name, cpr_number=digits)
    return guardian_add(
        actor=actor, pathway=pathway, child=child, guardian=guardian, relation=relation, has_custody=has_custody
    )


def household_for(*, citizen: Citizen) -> Household:
    """The citizen's family as a unit: the household they belong to, or a new one with their custody holders.

    Called inside the transaction that opens a family pathway.
    """
    membership = HouseholdMember.objects.filter(citizen=citizen).select_related("household").first()
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
    )
    for guardianship in Guardianship.objects.filter(child=citizen, valid_to__isnull=True):
        HouseholdMember.objects.create(
            municipality_id=citizen.municipality_id,
            household=household,
            citizen_id=guardianship.guardian_id,
            role=HouseholdRole.ADULT,
        )
    return household
