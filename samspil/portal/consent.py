"""Consent in the portal: what the citizen (or a custody holder) has consented to, giving it digitally, and
withdrawing it per department.

The rules are the staff side's: the giver's role is derived (`pathways.services.consent_giver_role`: the citizen for
themself, a custody holder for a minor), and both sides write through the same functions
(`pathways.services.consent_create`, `consent_departments_withdraw`), so a withdrawal from the portal has exactly the
consequences of one the coordinator records: the department's access ends at once, and so do the grants and
break-glass openings it leaves without a basis.

Giving and withdrawing need only the right to *read* the pathway in the portal (a citizen may always withdraw), and
are recorded as the account's own act (`recorded_by`, the withdrawal's `withdrawn_by`, the event's actor). A person
withdraws only consents they gave themself. The coordinator is told by an event on the timeline and an e-mail
without names or content (`portal.notify`: "consent_given", "consent_withdrawn").
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.choices import ConsentForm
from samspil.access.models import Consent, ConsentScope
from samspil.access.scopes import covered_departments
from samspil.core.db import JoinedText
from samspil.organisations.models import Department
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember
from samspil.pathways.services import consent_create, consent_departments_withdraw, consent_giver_role
from samspil.plans.models import Goal
from samspil.portal.access import portal_pathway_lock
from samspil.portal.notify import notify


@dataclass
class ConsentLine:
    """One department of one consent, as the portal shows it."""

    department: Department
    scope_public_id: object
    withdrawn_at: datetime.datetime | None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass
class ConsentRow:
    consent: Consent
    lines: list[ConsentLine]
    is_own: bool  # given by the account's own person: they may withdraw it


@dataclass
class ConsentPage:
    rows: list[ConsentRow]
    covered: list[Department]  # who may see the pathway's data now (the coordinating department first)
    not_covered: list[Department]  # departments on the team (or responsible for a goal) that may not
    offered: list[Department]  # what the account may consent to
    can_give: bool  # the account's person may consent on this pathway (their role is derived)
    cannot_give_reason: str = ""
    default_purpose: str = ""
    lead_department: Department | None = None
    notes: list[str] = field(default_factory=list)


def default_purpose(pathway: Pathway) -> str:
    return _(
        "Coordinated pathway in %(programme)s: the departments on your team may share information about you with "
        "each other, so that you have one plan"
    ) % {"programme": pathway.programme.name}


def involved_departments(pathway: Pathway) -> list[Department]:
    """The departments the pathway's team (current staff places) or plan (a goal's responsible department)
    involves, by name. Consent is asked for these; the coordinating department needs none."""
    today = timezone.localdate()
    team = TeamMember.objects.current(on=today).filter(pathway=pathway, kind=TeamMemberKind.STAFF).values("department")
    goals = Goal.objects.filter(pathway=pathway, responsible_department__isnull=False).values("responsible_department")
    return list(
        Department.objects.filter(municipality_id=pathway.municipality_id)
        .filter(Q(pk__in=team) | Q(pk__in=goals))
        .order_by("name")
    )


def _covered_ids(pathway: Pathway) -> set[int]:
    row = Pathway.objects.filter(pk=pathway.pk).annotate(covered=covered_departments()).values_list("covered")
    return {int(pk) for pk in JoinedText.split(row[0][0] if row else "")}


def consent_page(*, pathway: Pathway) -> ConsentPage:
    """Everything the consent page shows, in a few queries. `pathway` comes from `portal_pathway_get`."""
    access = pathway.portal_access
    person = access.person
    consents = list(
        Consent.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .prefetch_related(
            Prefetch(
                "scopes",
                queryset=ConsentScope.objects.select_related("department").order_by("department__name"),
            )
        )
        .order_by("-given_on", "-id")
    )
    rows = [
        ConsentRow(
            consent=consent,
            lines=[
                ConsentLine(scope.department, scope.public_id, scope.withdrawn_at or consent.withdrawn_at)
                for scope in consent.scopes.all()
            ],
            is_own=consent.giver_id == person.pk,
        )
        for consent in consents
    ]
    involved = involved_departments(pathway)
    covered_ids = _covered_ids(pathway)
    covered = sorted(
        Department.objects.filter(pk__in=covered_ids), key=lambda d: (d.pk != pathway.lead_department_id, d.name)
    )
    page = ConsentPage(
        rows=rows,
        covered=covered,
        not_covered=[department for department in involved if department.pk not in covered_ids],
        offered=[department for department in involved if department.pk != pathway.lead_department_id],
        can_give=False,
        default_purpose=default_purpose(pathway),
        lead_department=pathway.lead_department,
    )
    if not pathway.is_open:
        page.cannot_give_reason = _("The pathway is closed, so no new consent can be given. You can still withdraw.")
    else:
        try:
            consent_giver_role(pathway=pathway, giver=person)
        except ValidationError:
            page.cannot_give_reason = _(
                "In this pathway the custody holders give consent. Talk to your coordinator if you have questions."
            )
        else:
            page.can_give = bool(page.offered)
            if not page.offered:
                page.cannot_give_reason = _(
                    "No other department is on your team yet, so there is nothing to consent to. Your coordinator's "
                    "department can always see your pathway."
                )
    return page


def _recheck(user, pathway: Pathway) -> Pathway:
    """Lock and read the pathway again inside the transaction: access withdrawn since the page was loaded is caught
    (404). Giving and withdrawing consent needs only the read right."""
    return portal_pathway_lock(user=user, pathway=pathway, write=False)


@transaction.atomic
def portal_consent_give(
    *, user, pathway: Pathway, departments, purpose: str, expires_on: datetime.date | None = None
) -> Consent:
    """The account's person consents digitally (MitID) to share the pathway's data with `departments`."""
    pathway = _recheck(user, pathway)
    allowed = {department.pk for department in involved_departments(pathway)} - {pathway.lead_department_id}
    departments = list(departments)
    if any(department.pk not in allowed for department in departments):
        raise ValidationError(_("Choose among the departments on your team."))
    today = timezone.localdate()
    if expires_on is not None and expires_on < today:
        raise ValidationError(_("The consent cannot end before today."))
    consent = consent_create(
        actor=user,
        pathway=pathway,
        giver=pathway.portal_access.person,
        purpose=purpose,
        departments=departments,
        form=ConsentForm.DIGITAL,
        given_on=today,
        expires_on=expires_on,
        event_code="consent.given_in_portal",
        event_data={"portal_as": pathway.portal_access.capacity},
    )
    notify(email=pathway.coordinator.email, news="consent_given")
    return consent


def own_consent_scope(*, pathway: Pathway, consent_public_id, department_public_id) -> ConsentScope:
    """One department of a consent the account's person gave on this pathway; anything else is 404."""
    scope = (
        ConsentScope.objects.filter(
            municipality_id=pathway.municipality_id,
            consent__pathway=pathway,
            consent__public_id=consent_public_id,
            consent__giver_id=pathway.portal_access.person.pk,
            department__public_id=department_public_id,
        )
        .select_related("consent", "department")
        .first()
    )
    if scope is None:
        raise Http404
    return scope


@transaction.atomic
def portal_consent_withdraw(*, user, pathway: Pathway, scope: ConsentScope) -> ConsentScope:
    """Withdraw the account's own consent for one department, at once (see the module's docstring)."""
    pathway = _recheck(user, pathway)
    if scope.consent.pathway_id != pathway.pk or scope.consent.giver_id != pathway.portal_access.person.pk:
        raise Http404
    _consent, withdrawn = consent_departments_withdraw(
        actor=user,
        pathway=pathway,
        consent=scope.consent,
        department_ids=[scope.department_id],
        event_code="consent.withdrawn_in_portal",
        event_data={"portal_as": pathway.portal_access.capacity},
    )
    notify(email=pathway.coordinator.email, news="consent_withdrawn")
    return withdrawn[0]


def still_covered(pathway: Pathway, department: Department) -> bool:
    """After a withdrawal: may the department still see the pathway on another basis (another consent, a legal
    basis, the coordinating department)?"""
    return department.pk in _covered_ids(pathway)
