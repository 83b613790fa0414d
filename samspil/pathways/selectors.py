"""Reads of pathways. Each starts from `visible_to` and writes the access log for the citizens it shows."""

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samspil.access import policy, scopes
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent, ConsentScope
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.audit.services import access_denied_record, access_record, access_record_each
from samspil.citizens.models import Citizen, Guardianship, HouseholdMember
from samspil.pathways.models import Pathway, StatusChange, TeamMember


def _via(pathway) -> str:
    if pathway.via_team:
        return AccessVia.SCOPE
    return AccessVia.GRANT if pathway.via_grant else AccessVia.BREAK_GLASS


def _with_basis(queryset, user):
    return queryset.annotate(
        via_team=ExpressionWrapper(scopes.coordinator_of(user) | scopes.team_place(user), output_field=BooleanField()),
        via_grant=scopes.grant_in_force(user),
        # What the user may do here, read in the same query so pages need not ask the policy again.
        can_manage=ExpressionWrapper(scopes.coordinator_of(user), output_field=BooleanField()),
    )


def pathway_get(*, actor, public_id, action: str = policy.VIEW, path: str = "") -> Pathway:
    """The pathway if `actor` may do `action` on it. Out of scope is 404, exactly like missing, and logged."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    pathway = (
        _with_basis(Pathway.objects.visible_to(actor, action), actor)
        .select_related("programme", "citizen", "household", "coordinator", "lead_department")
        .filter(public_id=public_id)
        .first()
    )
    if pathway is not None:
        return pathway
    existing = Pathway.objects.filter(public_id=public_id, municipality_id=getattr(actor, "municipality_id", None))
    existing = existing.first()
    access_denied_record(actor=actor, path=path, pathway=existing)
    if (
        action != policy.VIEW
        and existing is not None
        and Pathway.objects.visible_to(actor, policy.VIEW).filter(pk=existing.pk).exists()
    ):
        raise PermissionDenied
    raise Http404


def subject_citizens(pathway: Pathway) -> list[Citizen]:
    """The citizens a pathway is about: the citizen, or every member of the family."""
    if pathway.citizen_id:
        return [pathway.citizen]
    return [member.citizen for member in pathway.household.memberships.select_related("citizen")]


def pathway_log_read(*, actor, pathway: Pathway, shown: str, purpose: str = AccessPurpose.COORDINATION) -> None:
    access_record(
        actor=actor,
        citizens=subject_citizens(pathway),
        shown=shown,
        purpose=purpose,
        pathway=pathway,
        via=_via(pathway),
    )


def programmes_to_coordinate(*, actor):
    """The open programmes the actor may coordinate a pathway in (their caseworker department fits the rule)."""
    from samspil.organisations.choices import StaffRole
    from samspil.organisations.models import Membership
    from samspil.pathways.models import Programme

    kinds = Membership.objects.current().filter(user=actor, role=StaffRole.CASEWORKER).values("department__kind")
    if not kinds.exists():
        return Programme.objects.none()
    return (
        Programme.objects.visible_to(actor, policy.VIEW)
        .filter(active=True)
        .filter(Q(coordinator_department_kind="") | Q(coordinator_department_kind__in=kinds))
        .order_by("name")
    )


# --- "Mine forløb" -----------------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def _encode_cursor(pathway: Pathway) -> str:
    raw = f"{pathway.opened_on.isoformat()}|{pathway.public_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime.date, uuid.UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, public_id = raw.split("|")
        return datetime.date.fromisoformat(day), uuid.UUID(public_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def pathway_list_mine(
    *, actor, status: str = "", programme_id=None, cursor: str = "", page_size: int | None = None
) -> Page:
    """The pathways the actor coordinates or is on the team of, newest first, by keyset pagination."""
    page_size = page_size or settings.SAMSPIL_PAGE_SIZE
    pathways = (
        Pathway.objects.visible_to(actor, policy.CONTRIBUTE)
        .annotate(
            is_mine=ExpressionWrapper(Q(coordinator=actor), output_field=BooleanField()),
            via_team=ExpressionWrapper(Q(pk__isnull=False), output_field=BooleanField()),
            via_grant=ExpressionWrapper(Q(pk__isnull=True), output_field=BooleanField()),
        )
        .select_related("programme", "citizen", "household", "coordinator", "lead_department")
        .prefetch_related(
            Prefetch("household__memberships", queryset=HouseholdMember.objects.select_related("citizen")),
        )
    )
    if status:
        pathways = pathways.filter(status=status)
    if programme_id:
        pathways = pathways.filter(programme__public_id=programme_id)
    position = _decode_cursor(cursor) if cursor else None
    if position:
        opened_on, public_id = position
        pathways = pathways.filter(Q(opened_on__lt=opened_on) | Q(opened_on=opened_on, public_id__lt=public_id))
    rows = list(pathways.order_by("-opened_on", "-public_id")[: page_size + 1])
    next_cursor = _encode_cursor(rows[page_size - 1]) if len(rows) > page_size else None
    rows = rows[:page_size]
    reads = []
    for pathway in rows:
        members = [pathway.citizen] if pathway.citizen_id else [m.citizen for m in pathway.household.memberships.all()]
        reads.extend((citizen, pathway) for citizen in members)
    access_record_each(actor=actor, reads=reads, shown="pathway.list", purpose=AccessPurpose.COORDINATION)
    return Page(rows=rows, next_cursor=next_cursor)


# --- the overview ------------------------------------------------------------------------------------------


@dataclass
class Overview:
    pathway: Pathway
    citizens: list
    guardianships: list
    team: list
    former_team: list
    consents: list
    legal_bases: list
    status_changes: list
    grants: list
    break_glass: list
    timeline: list
    is_coordinator: bool
    via: str

    @property
    def has_minors(self) -> bool:
        return any(citizen.is_minor for citizen in self.citizens)


def pathway_overview(*, actor, pathway: Pathway, timeline_size: int = 50) -> Overview:
    """Everything on the overview page, in a constant number of queries, logged as one read per citizen."""
    if pathway.citizen_id:
        citizens = [pathway.citizen]
    else:
        citizens = [
            m.citizen
            for m in pathway.household.memberships.select_related("citizen").order_by("role", "citizen__birth_date")
        ]
    guardianships = list(
        Guardianship.objects.filter(
            child__in=[c for c in citizens if c.is_minor], valid_to__isnull=True
        ).select_related("guardian", "child")
    )
    team = list(
        TeamMember.objects.filter(pathway=pathway)
        .select_related("user", "department", "external_contact__organisation")
        .order_by("kind", "active_from", "id")
    )
    today = timezone.localdate()
    current_team = [m for m in team if m.active_from <= today and (m.active_to is None or m.active_to >= today)]
    former_team = [m for m in team if m not in current_team]
    consents = list(
        Consent.objects.filter(pathway=pathway).prefetch_related(
            Prefetch("scopes", queryset=ConsentScope.objects.select_related("department"))
        )
    )
    is_coordinator = pathway.coordinator_id == actor.pk
    overview = Overview(
        pathway=pathway,
        citizens=citizens,
        guardianships=guardianships,
        team=current_team,
        former_team=former_team,
        consents=consents,
        legal_bases=list(pathway.legal_bases.select_related("department")),
        status_changes=list(StatusChange.objects.filter(pathway=pathway).select_related("changed_by")),
        grants=list(AccessGrant.objects.filter(pathway=pathway).select_related("user")) if is_coordinator else [],
        break_glass=list(BreakGlassAccess.objects.filter(pathway=pathway).select_related("user"))
        if is_coordinator
        else [],
        timeline=list(
            AuditEvent.objects.filter(pathway=pathway)
            .exclude(code="access.denied")
            .select_related("actor")[:timeline_size]
        ),
        is_coordinator=is_coordinator,
        via=_via(pathway),
    )
    # One row per citizen: in a family a parent is both a member and the custody holder of each child.
    shown = list({citizen.pk: citizen for citizen in [*citizens, *(g.guardian for g in guardianships)]}.values())
    access_record(
        actor=actor,
        citizens=shown,
        shown="pathway.overview",
        purpose=AccessPurpose.COORDINATION,
        pathway=pathway,
        via=overview.via,
    )
    return overview


def pathway_reveal_cpr(*, actor, pathway: Pathway, citizen_public_id) -> tuple[Citizen, str]:
    """Decrypt one subject's CPR number for the actor, and log that it was shown."""
    from samspil.audit.services import event_record

    citizens = {str(c.public_id): c for c in subject_citizens(pathway)}
    citizens.update(
        {
            str(g.guardian.public_id): g.guardian
            for g in Guardianship.objects.filter(
                child__in=list(citizens.values()), valid_to__isnull=True
            ).select_related("guardian")
        }
    )
    citizen = citizens.get(str(citizen_public_id))
    if citizen is None:
        raise Http404
    access_record(
        actor=actor,
        citizens=[citizen],
        shown="citizen.cpr",
        purpose=AccessPurpose.COORDINATION,
        pathway=pathway,
        via=_via(pathway),
    )
    event_record(
        actor=actor,
        code="citizen.cpr_revealed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": citizen.full_name},
    )
    return citizen, citizen.reveal_cpr()


def pathway_access_log(*, actor, pathway: Pathway, limit: int = 200) -> list[AccessLogEntry]:
    """The pathway's access log, for its coordinator. Reading it is itself logged."""
    entries = list(
        AccessLogEntry.objects.visible_to(actor, policy.MANAGE)
        .filter(pathway=pathway)
        .select_related("actor", "citizen")[:limit]
    )
    pathway_log_read(actor=actor, pathway=pathway, shown="pathway.access_log", purpose=AccessPurpose.ACCESS_REVIEW)
    return entries


def pathway_denials(*, actor, pathway: Pathway, limit: int = 50) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.visible_to(actor, policy.MANAGE)
        .filter(pathway=pathway, code="access.denied")
        .select_related("actor")[:limit]
    )


# --- the change log ------------------------------------------------------------------------------------


@dataclass
class ChangeRow:
    entry: ChangeLogEntry
    record: str
    changes: list  # (field label, before, after)


def _change_value(field, value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, str) and value.startswith("•••"):
        return "•••"  # redacted at the source (the CPR number): never shown
    if field is not None and field.is_relation:
        return _("(another record)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return formats.date_format(moment.date(), "SHORT_DATE_FORMAT")
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return str(value)


def pathway_change_log(*, actor, pathway: Pathway, limit: int = 200) -> list[ChangeRow]:
    """Every change to the pathway and what hangs off it, with before and after, for its coordinator."""
    entries = list(
        ChangeLogEntry.objects.visible_to(actor, policy.MANAGE)
        .filter(pathway=pathway)
        .select_related("actor", "content_type")[:limit]
    )
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        before, after = entry.before or {}, entry.after or {}
        changes = []
        for attname in entry.changed_fields:
            field = next((f for f in model._meta.concrete_fields if f.attname == attname), None) if model else None
            label = str(field.verbose_name) if field is not None else attname
            changes.append((label, _change_value(field, before.get(attname)), _change_value(field, after.get(attname))))
        record = str(model._meta.verbose_name) if model else entry.content_type.model
        rows.append(ChangeRow(entry=entry, record=record, changes=changes))
    return rows
