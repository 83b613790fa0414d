"""factory_boy factories shared by every test in the project.

Every CPR number a factory makes is registered with `tests.cpr_watch`, which checks at the end of the
session that none of them reached a URL or a log line.
"""

import datetime
import random

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from samspil.access.choices import ConsentForm, ConsentGiverRole
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent, ConsentScope, LegalBasis
from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.citizens import cpr as cpr_module
from samspil.citizens.choices import GuardianRelation, HouseholdRole
from samspil.citizens.models import Citizen, Guardianship, Household, HouseholdMember
from samspil.organisations.choices import DepartmentKind, ExternalOrganisationKind, StaffRole
from samspil.organisations.models import Department, ExternalContact, ExternalOrganisation, Membership, Municipality
from samspil.pathways.choices import CollaborationModel, PathwayStatus, SubjectKind, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, Programme, StatusChange, TeamMember
from tests import cpr_watch

PASSWORD = "test-password-123"


# --- CPR numbers and ages ----------------------------------------------------------------------------------


def as_committed() -> None:
    """What the test wrote counts as committed: the test's own transaction never commits, and what a transaction
    that changed a pathway reads of it is not kept (it could still be rolled back)."""
    from django.db import connection

    getattr(connection, "samspil_changed_pathways", set()).clear()
    connection.samspil_moved_pathways = {}  # the next change moves the pathway on again, as in a new transaction


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    """The date `years` whole years (and `days` more days) before today; 29 February falls back to the 28th."""
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def _seventh_digit(year: int) -> int:
    """A seventh digit that makes the CPR century rule give `year`."""
    if 1900 <= year <= 1999:
        return random.randint(0, 3)
    if 2000 <= year <= 2036:
        return random.choice((4, 9))
    if 2037 <= year <= 2057:
        return random.randint(5, 8)
    raise ValueError(f"No CPR century digit for {year}")


def random_cpr(*, born: datetime.date | None = None) -> str:
    """A valid CPR number (ten digits) never handed out before in this session; modulus 11 is not applied."""
    born = born or years_ago(random.randint(18, 80), days=random.randint(0, 364))
    while True:
        digits = f"{born:%d%m%y}{_seventh_digit(born.year)}{random.randint(0, 999):03d}"
        if digits not in cpr_watch.GENERATED:
            assert cpr_module.birth_date(digits) == born
            return cpr_watch.register(digits)


# --- names no page holds by chance ------------------------------------------------------------------------

_NAME_CONSONANTS = "bdfgklmnprstv"
_NAME_VOWELS = "aeiou"
_NAMES_GIVEN: set[str] = set()


def unmistakable_name() -> str:
    """A made-up name, never handed out before in this session, that no page or e-mail holds by chance.

    Tests assert that a citizen's name is *not* on a page; a real first name such as "Sam" is in "Samspil",
    and a staff member in the same test may draw the same real name. Each name is seven letters of the shape
    "Kavozet" (a "z" fifth), which no Danish or English text of the site contains, and no name is a part of
    another (all have the same length).
    """
    while True:
        c, v = random.choice, _NAME_VOWELS
        name = f"{c(_NAME_CONSONANTS).upper()}{c(v)}{c(_NAME_CONSONANTS)}{c(v)}z{c(v)}{c(_NAME_CONSONANTS)}"
        if name not in _NAMES_GIVEN:
            _NAMES_GIVEN.add(name)
            return name


# --- organisation ------------------------------------------------------------------------------------------


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")
    kind = DepartmentKind.CHILDREN_YOUTH


class StaffUserFactory(DjangoModelFactory):
    """A staff account. Give it a place in a department with `MembershipFactory` or use `make_staff`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff-{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda o: f"{o.username}@kommune.test")
    kind = AccountKind.STAFF
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.django.Password(PASSWORD)


class CitizenAccountFactory(StaffUserFactory):
    """A citizen's (or parent's) account: a different kind of account from staff. Pass `citizen=` to link it to the
    citizen it belongs to (as the MitID log-in does); `portal_account(citizen)` does that."""

    username = factory.Sequence(lambda n: f"citizen-account-{n}")
    kind = AccountKind.CITIZEN
    password = factory.django.Password(None)  # citizens never log in with a password


def portal_account(citizen, **fields) -> User:
    """The portal account of `citizen` (made as the first MitID log-in makes it)."""
    return CitizenAccountFactory(
        citizen=citizen,
        municipality=citizen.municipality,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        email=citizen.email,
        **fields,
    )


def grant_portal(pathway, citizen, level: str = "write", *, by=None):
    """Give `citizen` portal access to `pathway` (`PortalLevel`: "read" or "write"), as the coordinator does."""
    from samspil.portal.models import PortalRight

    right, _ = PortalRight.objects.update_or_create(
        municipality=pathway.municipality,
        pathway=pathway,
        citizen=citizen,
        defaults={"level": level, "set_by": by or pathway.coordinator},
    )
    return right


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    department = factory.SubFactory(DepartmentFactory)
    municipality = factory.LazyAttribute(lambda o: o.department.municipality)
    user = factory.SubFactory(StaffUserFactory, municipality=factory.SelfAttribute("..municipality"))
    role = StaffRole.CASEWORKER


def make_staff(department: Department, role: str = StaffRole.CASEWORKER, **user_fields) -> User:
    """A staff member of `department`'s municipality with a current place in it."""
    user = StaffUserFactory(municipality=department.municipality, **user_fields)
    MembershipFactory(user=user, department=department, role=role)
    return user


class ExternalOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = ExternalOrganisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Værestedet {n}")
    kind = ExternalOrganisationKind.DROP_IN_PRIVATE


class ExternalContactFactory(DjangoModelFactory):
    class Meta:
        model = ExternalContact

    organisation = factory.SubFactory(ExternalOrganisationFactory)
    municipality = factory.LazyAttribute(lambda o: o.organisation.municipality)
    name = factory.LazyFunction(lambda: f"{unmistakable_name()} {unmistakable_name()}")
    title = "Medarbejder"


# --- citizens ----------------------------------------------------------------------------------------------


class CitizenFactory(DjangoModelFactory):
    """A citizen with a valid random CPR number, set through `Citizen.set_cpr`.

    `born=years_ago(10)` makes a child; `cpr="0101901234"` fixes the number (it is registered too).
    """

    class Meta:
        model = Citizen

    class Params:
        born = factory.LazyFunction(lambda: years_ago(random.randint(18, 80), days=random.randint(0, 364)))

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.LazyFunction(unmistakable_name)
    last_name = factory.LazyFunction(unmistakable_name)
    cpr = factory.LazyAttribute(lambda o: random_cpr(born=o.born))
    street = factory.Faker("street_address", locale="da_DK")
    postcode = "8000"
    city = "Aarhus C"

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        digits = cpr_watch.register(cpr_module.normalise(kwargs.pop("cpr")))
        citizen = model_class(*args, **kwargs)
        citizen.set_cpr(digits)
        return citizen

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        citizen = cls._build(model_class, *args, **kwargs)
        citizen.save()
        return citizen


class GuardianshipFactory(DjangoModelFactory):
    class Meta:
        model = Guardianship

    child = factory.SubFactory(CitizenFactory, born=factory.LazyFunction(lambda: years_ago(8)))
    municipality = factory.LazyAttribute(lambda o: o.child.municipality)
    guardian = factory.SubFactory(
        CitizenFactory,
        municipality=factory.SelfAttribute("..municipality"),
        born=factory.LazyFunction(lambda: years_ago(38)),
    )
    relation = GuardianRelation.MOTHER
    has_custody = True


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Familien {n}")


class HouseholdMemberFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    municipality = factory.LazyAttribute(lambda o: o.household.municipality)
    citizen = factory.SubFactory(CitizenFactory, municipality=factory.SelfAttribute("..municipality"))
    role = HouseholdRole.ADULT
    relation = factory.LazyAttribute(lambda o: "index_child" if o.role == HouseholdRole.CHILD else "parent")
    member_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))


def make_family(municipality: Municipality, *, adults: int = 2, children: int = 1) -> Household:
    """A household with adults who hold custody of every child."""
    household = HouseholdFactory(municipality=municipality)
    grown = [
        HouseholdMemberFactory(household=household, role=HouseholdRole.ADULT, citizen__born=years_ago(40 - i)).citizen
        for i in range(adults)
    ]
    for i in range(children):
        child = HouseholdMemberFactory(
            household=household, role=HouseholdRole.CHILD, citizen__born=years_ago(6 + i)
        ).citizen
        for adult in grown:
            GuardianshipFactory(child=child, guardian=adult)
    return household


# --- pathways ----------------------------------------------------------------------------------------------


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Helhedsorienteret indsats {n}")
    model = CollaborationModel.KL_COHERENCE
    target_group = "Borgere med komplekse problemer"
    subject_kind = SubjectKind.CITIZEN
    coordinator_department_kind = ""


class PathwayFactory(DjangoModelFactory):
    """A pathway as `pathway_open` leaves it: the coordinator holds a caseworker place in the lead department,
    a first status change is recorded, and the coordinator is on the team.

    Pass `coordinator=` (and `lead_department=`) to put it in an existing organisation; use the `family`
    trait (or `household=`, `citizen=None`) for a family pathway.
    """

    class Meta:
        model = Pathway
        skip_postgeneration_save = True

    class Params:
        family = factory.Trait(
            citizen=None,
            household=factory.SubFactory(HouseholdFactory, municipality=factory.SelfAttribute("..municipality")),
        )

    coordinator = factory.SubFactory(StaffUserFactory)
    municipality = factory.LazyAttribute(lambda o: o.coordinator.municipality)
    lead_department = factory.SubFactory(DepartmentFactory, municipality=factory.SelfAttribute("..municipality"))
    programme = factory.SubFactory(ProgrammeFactory, municipality=factory.SelfAttribute("..municipality"))
    citizen = factory.SubFactory(CitizenFactory, municipality=factory.SelfAttribute("..municipality"))
    household = None
    referral_reason = "Henvist fra jobcentret"
    status = PathwayStatus.ACTIVE
    closed_on = factory.LazyAttribute(lambda o: timezone.localdate() if o.status == PathwayStatus.CLOSED else None)

    @factory.post_generation
    def coordinator_place(obj, create, extracted, **kwargs):
        if not create:
            return
        Membership.objects.get_or_create(
            municipality_id=obj.municipality_id,
            user=obj.coordinator,
            department=obj.lead_department,
            role=StaffRole.CASEWORKER,
        )
        StatusChange.objects.create(
            municipality_id=obj.municipality_id,
            pathway=obj,
            from_status="",
            to_status=obj.status,
            reason=obj.referral_reason,
            changed_by=obj.coordinator,
        )
        TeamMember.objects.create(
            municipality_id=obj.municipality_id,
            pathway=obj,
            kind=TeamMemberKind.STAFF,
            user=obj.coordinator,
            department=obj.lead_department,
            role=TeamRole.CASEWORKER,
            active_from=obj.opened_on,
        )


class TeamMemberFactory(DjangoModelFactory):
    """A staff place on a team by default; traits `external` and `network` make the other kinds."""

    class Meta:
        model = TeamMember

    class Params:
        external = factory.Trait(
            kind=TeamMemberKind.EXTERNAL,
            user=None,
            department=None,
            role=TeamRole.SPECIALIST,
            external_contact=factory.SubFactory(
                ExternalContactFactory, municipality=factory.SelfAttribute("..municipality")
            ),
        )
        network = factory.Trait(
            kind=TeamMemberKind.NETWORK,
            user=None,
            department=None,
            role=TeamRole.NETWORK,
            name=factory.Faker("name", locale="da_DK"),
            relation="Moster",
        )

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    kind = TeamMemberKind.STAFF
    user = factory.SubFactory(StaffUserFactory, municipality=factory.SelfAttribute("..municipality"))
    department = factory.SubFactory(DepartmentFactory, municipality=factory.SelfAttribute("..municipality"))
    role = TeamRole.PROFESSIONAL
    active_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


# --- access ------------------------------------------------------------------------------------------------


class ConsentFactory(DjangoModelFactory):
    """A consent in force, from the citizen; `departments=[...]` says which departments it covers."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    giver_role = ConsentGiverRole.CITIZEN
    # The citizen consents for themself; for a custody holder's consent pass `giver=` (or leave it unnamed).
    giver = factory.LazyAttribute(lambda o: o.pathway.citizen if o.giver_role == ConsentGiverRole.CITIZEN else None)
    giver_name = factory.LazyAttribute(lambda o: o.giver.full_name if o.giver else "Forældremyndighedsindehaver")
    form = ConsentForm.WRITTEN
    purpose = "Koordineret forløb på tværs af afdelinger"
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    expires_on = None
    recorded_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            ConsentScope.objects.bulk_create(
                [
                    ConsentScope(municipality_id=obj.municipality_id, consent=obj, department=department)
                    for department in extracted
                ]
            )


class LegalBasisFactory(DjangoModelFactory):
    class Meta:
        model = LegalBasis

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    department = factory.SubFactory(DepartmentFactory, municipality=factory.SelfAttribute("..municipality"))
    reference = "SEL § 49 b"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    recorded_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)


class AccessGrantFactory(DjangoModelFactory):
    """A grant in force now, for one day."""

    class Meta:
        model = AccessGrant

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    user = factory.SubFactory(StaffUserFactory, municipality=factory.SelfAttribute("..municipality"))
    reason = "Vikar for sagsbehandleren"
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    granted_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)


class BreakGlassAccessFactory(DjangoModelFactory):
    class Meta:
        model = BreakGlassAccess

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    user = factory.SubFactory(StaffUserFactory, municipality=factory.SelfAttribute("..municipality"))
    reason = "Akut henvendelse fra politiet om borgeren"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=8))


# --- meetings ----------------------------------------------------------------------------------------------


class ChecklistItemFactory(DjangoModelFactory):
    class Meta:
        model = "meetings.ChecklistItem"

    programme = factory.SubFactory(ProgrammeFactory)
    municipality = factory.LazyAttribute(lambda o: o.programme.municipality)
    meeting_type = "status"
    text = factory.Sequence(lambda n: f"Punkt {n} er drøftet")
    position = factory.Sequence(lambda n: n)


class MeetingFactory(DjangoModelFactory):
    """A planned status meeting tomorrow at 13:30–15:00 in Copenhagen; `held` makes it held last week."""

    class Meta:
        model = "meetings.Meeting"

    class Params:
        held = factory.Trait(
            status="held",
            starts_at=factory.LazyFunction(lambda: copenhagen_time(days=-7)),
            minutes="Vi talte om uddannelse.",
        )

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    meeting_type = "status"
    starts_at = factory.LazyFunction(lambda: copenhagen_time(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=90))
    location = "Rådhuset, mødelokale 2"
    status = "planned"
    scheduled_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)


def copenhagen_time(*, days: int, hour: int = 13, minute: int = 30) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class MeetingParticipantFactory(DjangoModelFactory):
    """The pathway's citizen by default; pass `team_member=` (and `is_citizen=False, citizen=None`) for staff."""

    class Meta:
        model = "meetings.MeetingParticipant"

    meeting = factory.SubFactory(MeetingFactory)
    municipality = factory.LazyAttribute(lambda o: o.meeting.municipality)
    is_citizen = True
    citizen = factory.LazyAttribute(lambda o: o.meeting.pathway.citizen if o.is_citizen else None)
    team_member = None
    name = factory.LazyAttribute(lambda o: o.citizen.full_name if o.citizen else o.team_member.display_name)
    attended = None


# --- the shared plan ---------------------------------------------------------------------------------------


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Plan"

    pathway = factory.SubFactory(PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    citizen_wishes = "Jeg vil gerne have et arbejde og min egen lejlighed."


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Goal"

    plan = factory.SubFactory(PlanFactory)
    pathway = factory.LazyAttribute(lambda o: o.plan.pathway)
    municipality = factory.LazyAttribute(lambda o: o.plan.municipality)
    life_area = "employment"
    description = factory.Sequence(lambda n: f"Komme i praktik på en arbejdsplads {n}")
    goal_type = "d41c8072-52f8-42b5-9375-ddbea454d27f"  # FFB: Udvikle funktionsevne
    indicator = "Møder op tre dage om ugen"
    horizon = "short"
    legal_basis = "LAB § 40 stk. 3"
    position = factory.Sequence(lambda n: n)


class AgreementFactory(DjangoModelFactory):
    """An agreement the citizen does; pass `owner=<TeamMember>` with `owner_kind="team_member"` for a team member."""

    class Meta:
        model = "plans.Agreement"

    goal = factory.SubFactory(GoalFactory)
    pathway = factory.LazyAttribute(lambda o: o.goal.pathway)
    municipality = factory.LazyAttribute(lambda o: o.goal.municipality)
    what = factory.Sequence(lambda n: f"Ringe til praktikstedet {n}")
    owner_kind = "citizen"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class GoalFollowUpFactory(DjangoModelFactory):
    class Meta:
        model = "plans.GoalFollowUp"

    goal = factory.SubFactory(GoalFactory)
    pathway = factory.LazyAttribute(lambda o: o.goal.pathway)
    municipality = factory.LazyAttribute(lambda o: o.goal.municipality)
    result = "E1"  # FSIII: Fortsættes
    note = "Det går godt"
    internal_note = ""
    assessed_by = factory.LazyAttribute(lambda o: o.goal.pathway.coordinator)


def make_revision(pathway, *, actor=None):
    """Save the pathway's plan as its next version, as the plan services do after a change."""
    from samspil.audit import context
    from samspil.plans import services

    actor = actor or pathway.coordinator
    plan = services.plan_for(pathway)
    with context.bound(actor_id=actor.pk, request_id="factory"):
        return services._record(actor=actor, pathway=pathway, plan=plan, code="plan.wishes_updated", data={})
