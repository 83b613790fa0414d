"""Writes for pathways: open, change status, team membership, consent, legal basis, grants, break-glass.

Each service checks the action against the policy inside its transaction, validates, saves, and records
the business event in the same transaction; the change log is written automatically.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.access.choices import ConsentGiverRole
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent, ConsentScope, LegalBasis
from samspil.access.scopes import department_covered
from samspil.audit.services import event_record
from samspil.citizens.models import Citizen, Guardianship, custody_held_on, years_between
from samspil.citizens.services import household_for
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Department, ExternalContact, Membership
from samspil.pathways.choices import REASON_REQUIRED, TRANSITIONS, PathwayStatus, SubjectKind, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, Programme, StatusChange, TeamMember


def _coordinating_department(*, actor, programme: Programme, department: Department | None = None) -> Department:
    """The department the coordinator leads the pathway from: `department` when given (it must be one of their
    current caseworker places of the programme's department kind), else their oldest such place."""
    memberships = (
        Membership.objects.current().filter(user=actor, role=StaffRole.CASEWORKER).select_related("department")
    )
    if programme.coordinator_department_kind:
        memberships = memberships.filter(department__kind=programme.coordinator_department_kind)
    if department is not None:
        membership = memberships.filter(department=department).first()
        if membership is None:
            raise ValidationError(
                _("The coordinator is not a caseworker in %(department)s.") % {"department": department.name}
            )
        return membership.department
    membership = memberships.order_by("active_from", "pk").first()
    if membership is None:
        if programme.coordinator_department_kind:
            raise ValidationError(
                _("In %(programme)s the coordinator must be a caseworker in %(kind)s.")
                % {"programme": programme, "kind": programme.get_coordinator_department_kind_display().lower()}
            )
        raise ValidationError(_("Only a caseworker can coordinate a pathway."))
    return membership.department


# A second open pathway for a citizen must be opened deliberately: the reason is at least this long.
SECOND_PATHWAY_REASON_MIN = 10


class OpenPathwayExists(ValidationError):
    """The citizen (or a member of the family) already has an open coordinated pathway: `existing` lists them.

    Raised when no reason for a second pathway was given, or when the citizen's consent does not cover the
    department that would lead it; the intake page then shows who coordinates the open pathway and asks for a
    reason.
    """

    def __init__(self, message, *, existing: list[Pathway]):
        super().__init__(message, code="open_pathway_exists")
        self.existing = existing


def open_pathways_of(*, citizen_ids) -> list[Pathway]:
    """The open pathways about any of these citizens: their own, and those of the families they are a current member
    of (a family the person has left is no longer about them).

    Not scoped: intake needs to know that a coordinated pathway exists and who coordinates it (who to call), never
    what is in it. Callers show only the coordinator and the coordinating department, and log the glimpse.
    """
    from samspil.citizens.models import HouseholdMember
    from samspil.pathways.choices import OPEN_STATUSES

    citizen_ids = list(citizen_ids)
    if not citizen_ids:
        return []
    households = HouseholdMember.objects.current().filter(citizen_id__in=citizen_ids).values("household_id")
    return list(
        Pathway.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(citizen_id__in=citizen_ids) | Q(household_id__in=households))
        .select_related("coordinator", "lead_department", "programme", "citizen", "household")
        .order_by("opened_on", "pk")
    )


def coordinated_by(pathways) -> str:
    """ "Anna Hansen (Børn og Unge)" for each pathway: who to call about it, and nothing of what is in it."""
    names = []
    for pathway in pathways:
        name = f"{pathway.coordinator.get_full_name()} ({pathway.lead_department.name})"
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _covered_on(pathways: list[Pathway]) -> dict[int, set[int]]:
    """For each pathway, the departments its sharing basis covers now (the pathway scope's own rule)."""
    from samspil.access.scopes import covered_departments
    from samspil.core.db import JoinedText

    rows = (
        Pathway.objects.filter(pk__in=[pathway.pk for pathway in pathways])
        .annotate(covered=covered_departments())
        .values_list("pk", "covered")
    )
    return {pk: {int(department_id) for department_id in JoinedText.split(covered)} for pk, covered in rows}


def _check_second_pathway(*, existing: list[Pathway], department: Department, reason: str, name) -> None:
    """A citizen has one open coordinated pathway at a time, unless a second is opened deliberately.

    Deliberately means: with a reason, and from a department the citizen has let receive their data on every open
    pathway (its coordinating department, a legal basis there, or a consent in force covering it). A caseworker
    whose department the citizen said no to cannot get round that by opening a pathway of their own.
    """
    if len(reason) < SECOND_PATHWAY_REASON_MIN:
        raise OpenPathwayExists(
            _(
                "%(name)s already has an open coordinated pathway, coordinated by %(coordinators)s. Talk to the "
                "coordinator first. If a second pathway is needed all the same, give the reason in at least "
                "%(min)s characters."
            )
            % {"name": name, "coordinators": coordinated_by(existing), "min": SECOND_PATHWAY_REASON_MIN},
            existing=existing,
        )
    covered = _covered_on(existing)
    uncovered = [pathway for pathway in existing if department.pk not in covered.get(pathway.pk, set())]
    if uncovered:
        raise OpenPathwayExists(
            _(
                "%(name)s already has an open coordinated pathway, and the citizen's consent does not cover "
                "%(department)s there, so you cannot open a second one. Contact the coordinator: %(coordinators)s."
            )
            % {"name": name, "department": department.name, "coordinators": coordinated_by(uncovered)},
            existing=existing,
        )


@transaction.atomic
def pathway_open(
    *,
    actor,
    programme: Programme,
    citizen: Citizen,
    referral_reason: str = "",
    department: Department | None = None,
    second_pathway_reason: str = "",
) -> Pathway:
    """Open a pathway for the citizen or (in family programmes) their family, with the actor as coordinator.

    The actor must be a caseworker who fits the programme's coordinator rule; `department` picks which of their
    places leads it (else their oldest fitting one). A segmentation role does not open pathways: it refers a
    candidate to a coordinator (`segmentation.services.referral_create`), who opens it here on taking it on.

    A citizen has at most one open coordinated pathway at a time, across programmes (for a family pathway: no
    member of the family has one). A second one needs `second_pathway_reason` and a coordinating department the
    citizen's consent covers on the open one (`_check_second_pathway`); else `OpenPathwayExists`. The reason is
    kept in the `pathway.opened` event and shown on the new pathway's timeline (`pathway.opened_second`).
    """
    name = citizen
    if not policy.can_do_case_work(actor):
        raise PermissionDenied
    if programme.municipality_id != actor.municipality_id or citizen.municipality_id != actor.municipality_id:
        raise PermissionDenied
    if not programme.active:
        raise ValidationError(_("%(programme)s does not take new pathways.") % {"programme": programme})
    age = years_between(citizen.birth_date, timezone.localdate())
    if (programme.min_age is not None and age < programme.min_age) or (
        programme.max_age is not None and age > programme.max_age
    ):
        raise ValidationError(
            _("%(programme)s is for citizens aged %(min)s to %(max)s; %(name)s is %(age)s.")
            % {
                "programme": programme,
                "min": programme.min_age or 0,
                "max": programme.max_age or "∞",
                "name": name,
                "age": age,
            }
        )
    coordinator = actor
    department = _coordinating_department(actor=coordinator, programme=programme, department=department)
    subject = {"citizen": citizen}
    subject_ids = [citizen.pk]
    if programme.subject_kind == SubjectKind.HOUSEHOLD:
        household = household_for(citizen=citizen)  # rolled back with the rest if the opening is refused
        subject = {"household": household}
        subject_ids = [citizen.pk, *household.memberships.current().values_list("citizen_id", flat=True)]
    second_pathway_reason = second_pathway_reason.strip()
    existing = open_pathways_of(citizen_ids=subject_ids)
    if existing:
        _check_second_pathway(existing=existing, department=department, reason=second_pathway_reason, name=name)
    pathway = Pathway(
        municipality_id=actor.municipality_id,
        programme=programme,
        coordinator=coordinator,
        lead_department=department,
        referral_reason=referral_reason.strip(),
        **subject,
    )
    try:
        with transaction.atomic():
            pathway.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s already has an open pathway in %(programme)s.") % {"name": name, "programme": programme}
        ) from None
    StatusChange.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        from_status="",
        to_status=pathway.status,
        reason=pathway.referral_reason,
        changed_by=actor,
    )
    TeamMember.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        kind=TeamMemberKind.STAFF,
        user=coordinator,
        department=department,
        role=TeamRole.CASEWORKER,
    )
    opened = {"programme": programme.name}
    if existing:
        opened["second_pathway_reason"] = second_pathway_reason
    event_record(
        actor=actor, code="pathway.opened", municipality_id=pathway.municipality_id, pathway=pathway, data=opened
    )
    if existing:
        event_record(
            actor=actor,
            code="pathway.opened_second",
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            data={"coordinators": coordinated_by(existing), "reason": second_pathway_reason},
        )
    return pathway


@transaction.atomic
def pathway_change_status(
    *, actor, pathway: Pathway, to_status: str, reason: str = "", expected_version: int, outcome: str = ""
) -> Pathway:
    """Move the pathway to `to_status`. Closing needs the `outcome` (`results.choices.PathwayOutcome`) besides the
    reason; `results.services.pathway_close` also records the closing status entry in the same transaction."""
    from samspil.results.choices import PathwayOutcome

    pathway = policy.require(actor, policy.MANAGE, pathway)
    if pathway.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this pathway while you were working on it. "
                "Reload the page to see the current status, then try again."
            )
        )
    reason = reason.strip()
    if to_status not in TRANSITIONS[pathway.status]:
        raise ValidationError(
            _("A pathway cannot go from %(from)s to %(to)s.")
            % {"from": pathway.get_status_display().lower(), "to": PathwayStatus(to_status).label.lower()}
        )
    if to_status in REASON_REQUIRED and not reason:
        raise ValidationError(_("Give a reason when a pathway is paused or closed."))
    closing = to_status == PathwayStatus.CLOSED
    if closing and outcome not in PathwayOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the pathway when it is closed.")})
    if not closing and outcome:
        raise ValidationError({"outcome": _("The outcome is recorded only when the pathway is closed.")})
    from_status = pathway.status
    pathway.status = to_status
    pathway.status_changed_at = timezone.now()
    pathway.closed_on = timezone.localdate() if closing else None
    pathway.outcome = outcome if closing else ""
    pathway.version += 1
    pathway.save(update_fields=["status", "status_changed_at", "closed_on", "outcome", "version", "updated_at"])
    StatusChange.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changed_by=actor,
    )
    event_record(
        actor=actor,
        code="pathway.status_changed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"from_status": from_status, "to_status": to_status, "reason": reason or "–"},
    )
    if closing:
        event_record(
            actor=actor,
            code="pathway.outcome_recorded",
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            data={"outcome": outcome},
        )
    return pathway


@transaction.atomic
def pathway_change_coordinator(
    *, actor, pathway: Pathway, membership: Membership, expected_version: int, reason: str = ""
) -> Pathway:
    """Hand coordination over to a caseworker who fits the programme's rule; they join the team if not on it.

    The former coordinator stays on the team as a caseworker until their place is ended.
    """
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if pathway.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this pathway while you were working on it. "
                "Reload the page to see the current status, then try again."
            )
        )
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    membership = Membership.objects.current().filter(pk=membership.pk, municipality_id=pathway.municipality_id).first()
    if membership is None or membership.role != StaffRole.CASEWORKER:
        raise ValidationError(_("Only a caseworker can coordinate a pathway."))
    kind = pathway.programme.coordinator_department_kind
    from samspil.pathways.worklist import transition_handover_kinds

    at_transition = membership.department.kind in transition_handover_kinds(pathway)
    if kind and membership.department.kind != kind and not at_transition:
        raise ValidationError(
            _("In %(programme)s the coordinator must be a caseworker in %(kind)s.")
            % {
                "programme": pathway.programme,
                "kind": pathway.programme.get_coordinator_department_kind_display().lower(),
            }
        )
    new = membership.user
    if new.pk == pathway.coordinator_id:
        raise ValidationError(_("%(name)s already coordinates the pathway.") % {"name": new})
    pathway.coordinator, pathway.lead_department = new, membership.department
    pathway.version += 1
    pathway.save(update_fields=["coordinator", "lead_department", "version", "updated_at"])
    place = TeamMember.objects.current().filter(pathway=pathway, user=new).first()
    if place is None:
        TeamMember.objects.create(
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            kind=TeamMemberKind.STAFF,
            user=new,
            department=membership.department,
            role=TeamRole.CASEWORKER,
        )
    elif place.department_id != membership.department_id:
        place.department = membership.department
        place.save(update_fields=["department", "updated_at"])
    event_record(
        actor=actor,
        code="pathway.coordinator_changed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": new.get_full_name(), "reason": reason.strip() or "–"},
    )
    return pathway


@transaction.atomic
def team_member_add(
    *,
    actor,
    pathway: Pathway,
    kind: str,
    role: str,
    user=None,
    department: Department | None = None,
    external_contact: ExternalContact | None = None,
    name: str = "",
    relation: str = "",
    phone: str = "",
    email: str = "",
    active_from: datetime.date | None = None,
) -> TeamMember:
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    member = TeamMember(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        kind=kind,
        role=role,
        active_from=active_from or timezone.localdate(),
    )
    if kind == TeamMemberKind.STAFF:
        if user is None or department is None:
            raise ValidationError(_("Choose the staff member and the department they represent."))
        if (
            not Membership.objects.current()
            .filter(user=user, department=department, municipality_id=pathway.municipality_id)
            .exists()
        ):
            raise ValidationError(
                _("%(name)s does not work in %(department)s.") % {"name": user, "department": department}
            )
        if TeamMember.objects.current().filter(pathway=pathway, user=user).exists():
            raise ValidationError(_("%(name)s is already on the team.") % {"name": user})
        member.user, member.department = user, department
    elif kind == TeamMemberKind.EXTERNAL:
        if external_contact is None or external_contact.municipality_id != pathway.municipality_id:
            raise ValidationError(_("Choose the external contact person."))
        member.external_contact = external_contact
    elif kind == TeamMemberKind.NETWORK:
        if not name.strip():
            raise ValidationError(_("Give the network person's name."))
        member.name, member.relation, member.phone, member.email = name.strip(), relation.strip(), phone, email
        member.role = TeamRole.NETWORK
    else:
        raise ValidationError(_("Unknown kind of team member."))
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s is already on the team.") % {"name": member.display_name}) from None
    event_record(
        actor=actor,
        code="team.member_added",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": member.display_name, "role": member.role},
    )
    return member


@transaction.atomic
def team_member_end(*, actor, member: TeamMember, reason: str, active_to: datetime.date | None = None) -> TeamMember:
    pathway = policy.require(actor, policy.MANAGE, member.pathway)
    member = TeamMember.objects.select_for_update().get(pk=member.pk, pathway=pathway)
    active_to = active_to or timezone.localdate()
    if member.active_to is not None:
        raise ValidationError(_("%(name)s has already left the team.") % {"name": member.display_name})
    if member.user_id == pathway.coordinator_id:
        raise ValidationError(_("The coordinator cannot leave the team; hand over coordination first."))
    if active_to < member.active_from:
        raise ValidationError(_("The end date is before the start date."))
    member.active_to, member.end_reason = active_to, reason.strip()
    member.save(update_fields=["active_to", "end_reason", "updated_at"])
    event_record(
        actor=actor,
        code="team.member_ended",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": member.display_name, "reason": member.end_reason or "–"},
    )
    from samspil.partners.services import partner_access_end_with_place

    partner_access_end_with_place(actor=actor, member=member)  # an invited partner's access ends with the place
    return member


def consent_giver_role(*, pathway: Pathway, giver: Citizen) -> str:
    """In which capacity `giver` can consent for this pathway, or ValidationError if they cannot.

    The citizen consents for themself; a custody holder for a minor in the pathway (for a family: for
    its children). Any other person's consent would not be a valid basis for sharing.
    """
    from samspil.pathways.selectors import subject_citizens

    subjects = subject_citizens(pathway)
    if pathway.citizen_id and giver.pk == pathway.citizen_id:
        return ConsentGiverRole.CITIZEN
    minors = [subject.pk for subject in subjects if subject.is_minor]
    if (
        minors
        and Guardianship.objects.filter(
            custody_held_on(timezone.localdate()),
            municipality_id=pathway.municipality_id,
            child_id__in=minors,
            guardian=giver,
        ).exists()
    ):
        return ConsentGiverRole.CUSTODY_HOLDER
    if not pathway.citizen_id and not giver.is_minor and giver.pk in {subject.pk for subject in subjects}:
        return ConsentGiverRole.CITIZEN
    raise ValidationError(
        _("%(name)s can neither consent as the citizen nor as a custody holder in this pathway.") % {"name": giver}
    )


@transaction.atomic
def consent_record(
    *,
    actor,
    pathway: Pathway,
    giver: Citizen,
    purpose: str,
    departments,
    form: str,
    given_on: datetime.date,
    expires_on: datetime.date | None = None,
) -> Consent:
    """The coordinator records a consent given to them (in writing, orally, or digitally elsewhere)."""
    pathway = policy.require(actor, policy.MANAGE, pathway)
    return consent_create(
        actor=actor,
        pathway=pathway,
        giver=giver,
        purpose=purpose,
        departments=departments,
        form=form,
        given_on=given_on,
        expires_on=expires_on,
        event_code="consent.given",
    )


def consent_create(
    *,
    actor,
    pathway: Pathway,
    giver: Citizen,
    purpose: str,
    departments,
    form: str,
    given_on: datetime.date,
    expires_on: datetime.date | None,
    event_code: str,
    event_data: dict | None = None,
) -> Consent:
    """The one writer of a consent, for the coordinator (`consent_record`) and the citizen in the portal
    (`portal.consent.portal_consent_give`). The caller has checked the actor's access inside its transaction.

    The giver's role is derived, never chosen (`consent_giver_role`); each department is its own change-logged row.
    """
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    departments = list(departments)
    if not departments:
        raise ValidationError(_("Choose at least one department the consent covers."))
    if any(department.municipality_id != pathway.municipality_id for department in departments):
        raise PermissionDenied
    if given_on > timezone.localdate():
        raise ValidationError(_("Consent cannot be recorded as given in the future."))
    if expires_on is not None and expires_on < given_on:
        raise ValidationError(_("The consent expires before it was given."))
    if giver.municipality_id != pathway.municipality_id:
        raise PermissionDenied
    consent = Consent(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        giver=giver,
        giver_role=consent_giver_role(pathway=pathway, giver=giver),
        giver_name=giver.full_name,
        purpose=purpose.strip(),
        form=form,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    for department in departments:  # one by one, not bulk_create: each scope row gets its change-log row
        ConsentScope.objects.create(municipality_id=pathway.municipality_id, consent=consent, department=department)
    event_record(
        actor=actor,
        code=event_code,
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"giver": consent.giver_name, "departments": ", ".join(d.name for d in departments), **(event_data or {})},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, reason: str) -> Consent:
    """The coordinator records that the whole consent was withdrawn (every department it still covers)."""
    pathway = policy.require(actor, policy.MANAGE, consent.pathway)
    consent, _withdrawn = consent_departments_withdraw(
        actor=actor, pathway=pathway, consent=consent, reason=reason, event_code="consent.withdrawn"
    )
    return consent


def consent_departments_withdraw(
    *,
    actor,
    pathway: Pathway,
    consent: Consent,
    event_code: str,
    reason: str = "",
    department_ids=None,
    event_data: dict | None = None,
) -> tuple[Consent, list[ConsentScope]]:
    """The one withdrawal of consent, for the coordinator (`consent_withdraw`) and the citizen in the portal
    (`portal.consent.portal_consent_withdraw`). The caller has checked the actor's access inside its transaction.

    Withdraws the consent for `department_ids` (None: every department it still covers); when no department is
    left, the consent itself is withdrawn. It takes effect at once: the departments lose access from this moment,
    including access that does not come from a team place: grants and break-glass openings of users whose
    departments the citizen has now said no to end with it (`_end_access_no_longer_covered`). Records `event_code`
    (data: giver, departments, reason, and `event_data`) before the endings. Returns the consent and the department
    rows withdrawn.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk, pathway=pathway)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("The consent has already been withdrawn."))
    scopes = list(
        ConsentScope.objects.select_for_update().filter(consent=consent).select_related("department").order_by("pk")
    )
    remaining = [scope for scope in scopes if scope.withdrawn_at is None]
    chosen = (
        remaining
        if department_ids is None
        else [scope for scope in remaining if scope.department_id in set(department_ids)]
    )
    if not chosen:
        raise ValidationError(_("The consent has already been withdrawn for that department."))
    at = timezone.now()
    for scope in chosen:  # one by one: each department's withdrawal gets its change-log row
        scope.withdrawn_at, scope.withdrawn_by = at, actor
        scope.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    reason = reason.strip()
    if len(chosen) == len(remaining):
        consent.withdrawn_at = at
        consent.withdrawal_reason = reason
        consent.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    event_record(
        actor=actor,
        code=event_code,
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={
            "giver": consent.giver_name,
            "departments": ", ".join(scope.department.name for scope in chosen),
            "reason": reason or "–",
            **(event_data or {}),
        },
    )
    withdrawn = {scope.department_id for scope in chosen}
    _end_access_no_longer_covered(actor=actor, pathway=pathway, withdrawn=withdrawn, at=at)
    return consent, chosen


def _end_access_no_longer_covered(*, actor, pathway: Pathway, withdrawn: set[int], at) -> None:
    """End the grants and break-glass openings in force of users the withdrawal leaves without a sharing basis.

    A user loses their grant or break-glass opening when one of their current departments was covered by the
    withdrawn consent and none of their current departments is covered any more (by another consent in force, a
    legal basis, or as the coordinating department). A grant to someone whose department the consent never
    concerned stays: the withdrawal says nothing about it. Each ending is recorded as an event.
    """
    covered = _covered_on([pathway]).get(pathway.pk, set())
    lost = withdrawn - covered
    if not lost:
        return
    grants = list(AccessGrant.objects.in_force(at).select_for_update().filter(pathway=pathway).select_related("user"))
    openings = list(
        BreakGlassAccess.objects.in_force(at).select_for_update().filter(pathway=pathway).select_related("user")
    )
    holders = {row.user_id for row in (*grants, *openings)}
    departments: dict[int, set[int]] = {}
    for user_id, department_id in (
        Membership.objects.current().filter(user_id__in=holders).values_list("user_id", "department_id")
    ):
        departments.setdefault(user_id, set()).add(department_id)
    names = dict(Department.objects.filter(pk__in=lost).values_list("pk", "name"))

    def no_longer_covered(user_id) -> str:
        """The names of the user's departments the withdrawal concerned, if it leaves them uncovered, else ""."""
        theirs = departments.get(user_id, set())
        if theirs & covered or not theirs & lost:
            return ""
        return ", ".join(sorted(names[pk] for pk in theirs & lost))

    for grant in grants:
        concerned = no_longer_covered(grant.user_id)
        if concerned:
            grant.revoked_at = at
            grant.save(update_fields=["revoked_at", "updated_at"])
            event_record(
                actor=actor,
                code="grant.ended_by_withdrawal",
                municipality_id=pathway.municipality_id,
                pathway=pathway,
                data={"name": grant.user, "departments": concerned},
            )
    for opening in openings:
        concerned = no_longer_covered(opening.user_id)
        if concerned:
            opening.expires_at = at
            opening.save(update_fields=["expires_at", "updated_at"])
            event_record(
                actor=actor,
                code="access.break_glass_ended",
                municipality_id=pathway.municipality_id,
                pathway=pathway,
                data={"name": opening.user, "departments": concerned},
            )


@transaction.atomic
def legal_basis_record(
    *, actor, pathway: Pathway, department: Department, reference: str, note: str = ""
) -> LegalBasis:
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if department.municipality_id != pathway.municipality_id:
        raise PermissionDenied
    if not reference.strip():
        raise ValidationError(_("Give the legal reference, for example SEL § 49 b."))
    basis = LegalBasis.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        department=department,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        code="legal_basis.recorded",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"department": department.name, "reference": basis.reference},
    )
    return basis


@transaction.atomic
def grant_create(*, actor, pathway: Pathway, user, reason: str, valid_until: datetime.datetime) -> AccessGrant:
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if not policy.is_municipal_staff(user) or user.municipality_id != pathway.municipality_id:
        raise ValidationError(_("Access can only be given to staff in the municipality."))
    if valid_until <= timezone.now():
        raise ValidationError(_("The access must end in the future."))
    if valid_until > timezone.now() + datetime.timedelta(days=settings.SAMSPIL_GRANT_MAX_DAYS + 1):
        raise ValidationError(
            _("Access can be given for at most %(days)s days at a time.") % {"days": settings.SAMSPIL_GRANT_MAX_DAYS}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the access."))
    grant = AccessGrant.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        user=user,
        reason=reason.strip(),
        valid_until=valid_until,
        granted_by=actor,
    )
    event_record(
        actor=actor,
        code="grant.created",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={
            "name": user,
            "reason": grant.reason,
            "until": formats.date_format(timezone.localtime(valid_until), "SHORT_DATETIME_FORMAT"),
        },
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: AccessGrant) -> AccessGrant:
    pathway = policy.require(actor, policy.MANAGE, grant.pathway)
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk, pathway=pathway)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at", "updated_at"])
        event_record(
            actor=actor,
            code="grant.revoked",
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            data={"name": grant.user},
        )
    return grant


@transaction.atomic
def break_glass_open(*, actor, pathway: Pathway, reason: str) -> BreakGlassAccess:
    """Open a pathway outside one's scope for a limited time. The reason is logged and shown to the coordinator."""
    if not policy.can_break_glass(actor) or pathway.municipality_id != actor.municipality_id:
        raise PermissionDenied
    departments = policy.current_department_ids(actor)
    withdrawn = ConsentScope.objects.filter(consent__pathway=pathway, department_id__in=departments).filter(
        Q(withdrawn_at__isnull=False) | Q(consent__withdrawn_at__isnull=False)
    )
    if (
        withdrawn.exists()
        and not Pathway.objects.filter(pk=pathway.pk)
        .filter(
            Exists(
                TeamMember.objects.filter(pathway_id=OuterRef("pk"), department_id__in=departments).filter(
                    department_covered()
                )
            )
        )
        .exists()
    ):
        # The citizen said no to sharing with the actor's department; break-glass must not override that.
        raise ValidationError(
            _("The citizen has withdrawn consent to share data with your department. Contact the coordinator.")
        )
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("Describe the reason in at least 10 characters."))
    access = BreakGlassAccess.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        user=actor,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.SAMSPIL_BREAK_GLASS_HOURS),
    )
    event_record(
        actor=actor,
        code="access.break_glass",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"reason": reason},
    )
    return access
