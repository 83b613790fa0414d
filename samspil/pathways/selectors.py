"""Reads of pathways. Each starts from `visible_to` and writes the access log for the citizens it shows."""

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.http import Http404
from django.utils import timezone

from samspil.access import policy, scopes
from samspil.access.access import PathwayAccess, pathway_access
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent, ConsentScope, LegalBasis
from samspil.audit.changelog import ChangeRow, change_rows
from samspil.audit.choices import AccessPurpose
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.audit.services import Read, access_denied_record, access_record, access_record_each
from samspil.citizens.models import Citizen, Guardianship, HouseholdMember
from samspil.core.chrome import object_url
from samspil.core.db import STAND_IN_IDS, STAND_IN_MOMENTS, JoinedText, Variable, precompiled_rows
from samspil.partners.selectors import INVITATION_FIELDS  # what `team_invitation` reads
from samspil.pathways.access_log import AccessLogFilters, AccessLogPage, Cursor, attempt_description
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, StatusChange, TeamMember


def pathway_get(*, actor, public_id, action: str = policy.VIEW, path: str = "", annotations=None) -> Pathway:
    """The pathway if `actor` may do `action` on it. Out of scope is 404, exactly like missing, and logged.

    One query reads the pathway of the actor's municipality with the actor's rights on it (`scopes.pathway_rights`,
    the pathway scope's own rules) and any `annotations` the page wants from the same row (`annotations`: a dict,
    or a callable that makes it, such as a view's `pathway_annotations`); the query is compiled once per user, day
    and annotations (`_pathway_with_rights`). The rights then decide 404 (not visible), 403 (visible, not allowed)
    or the pathway. The rights stay on the returned pathway as `pathway.access` (`access.PathwayAccess`): every
    selector, template and view takes its answers from it, and the access log its basis (`via`).
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    if not policy.is_municipal_staff(actor):  # the policy shows such accounts no pathway at all
        existing = Pathway.objects.filter(public_id=public_id, municipality_id=getattr(actor, "municipality_id", None))
        access_denied_record(actor=actor, path=path, pathway=existing.first())
        raise Http404
    pathway = _pathway_with_rights(actor, public_id, annotations)
    if pathway is not None:
        pathway.access = PathwayAccess.from_row(pathway)
        if pathway.access.allows(action):
            return pathway
    access_denied_record(actor=actor, path=path, pathway=pathway)
    if pathway is not None and pathway.access.may_view:
        raise PermissionDenied
    raise Http404


def _pathway_with_rights(actor, public_id: uuid.UUID, annotations) -> Pathway | None:
    """The pathway of the actor's municipality with the actor's rights and the page's `annotations`, in one query
    compiled once per user, day and view (`core.db.precompiled_rows`): building and compiling the rules took longer
    than the database took to run them. `annotations` is a dict, or a view's `pathway_annotations` method (called
    only when the query is built). The actor's roles (the navigation's) came with the session's user
    (`accounts.backends`)."""

    def build(values):
        extra = annotations() if callable(annotations) else (annotations or {})
        return (
            Pathway.objects.filter(municipality_id=actor.municipality_id, public_id=values["public_id"])
            .annotate(
                **scopes.pathway_rights(actor, at=values["now"]),
                **extra,
            )
            .select_related("programme", "citizen", "household", "coordinator", "lead_department", "target_group")
            .order_by("pk")[:1]
        )

    # The annotations are kept with the query only when they are a view's `pathway_annotations` method: it builds
    # them from the view's class alone (and the user, who is in the key). Anything else is built every time.
    owner = getattr(annotations, "__self__", None)
    if annotations and (owner is None or getattr(annotations, "__name__", "") != "pathway_annotations"):
        return next(iter(build({"public_id": public_id, "now": timezone.now()})), None)
    names = (type(owner).__module__, type(owner).__qualname__) if owner is not None else ()
    rows = precompiled_rows(
        build,
        key=("pathway_get", names, actor.pk, actor.municipality_id),
        variables={
            "public_id": Variable(public_id, *STAND_IN_IDS, Pathway._meta.get_field("public_id")),
            "now": Variable(timezone.now(), *STAND_IN_MOMENTS, AccessGrant._meta.get_field("valid_until")),
        },
    )
    return rows[0] if rows else None


def _household_rows(pathway: Pathway) -> list:
    """Every membership the pathway's family has had, with its citizen (one query per pathway object)."""
    rows = getattr(pathway, "_household_rows", None)
    if rows is None:
        rows = list(
            HouseholdMember.objects.filter(household_id=pathway.household_id)
            .select_related("citizen")
            .order_by("member_from", "id")
        )
        pathway._household_rows = rows
    return rows


def subject_citizens(pathway: Pathway) -> list[Citizen]:
    """The citizens a pathway is about: the citizen, or every current member of the family (read once per pathway
    object). A member whose membership has ended is the family's history, not a subject: no portal access as a
    member, no invitation, no new goals or agreements (`citizens.models.household_member_current_on`)."""
    if pathway.citizen_id:
        return [pathway.citizen]
    members = getattr(pathway, "_subject_citizens", None)
    if members is None:
        today = timezone.localdate()
        members = [
            row.citizen
            for row in _household_rows(pathway)
            if row.member_from <= today and (row.member_to is None or row.member_to > today)
        ]
        pathway._subject_citizens = members
    return members


def logged_citizens(pathway: Pathway) -> list[Citizen]:
    """Whom a read of a pathway page is logged for when the page does not say: the subjects, and on a family
    pathway also every former member — the plan, the assessment and the meetings keep naming them (their goals, a
    finding about them), so the safe side is to log them too (from the same one query)."""
    if pathway.citizen_id:
        return subject_citizens(pathway)
    current = subject_citizens(pathway)
    seen = {citizen.pk for citizen in current}
    former = [row.citizen for row in _household_rows(pathway) if row.citizen_id not in seen]
    return current + list({citizen.pk: citizen for citizen in former}.values())


def pathway_log_read(
    *, actor, pathway: Pathway, shown: str, purpose: str = AccessPurpose.COORDINATION, citizens=None
) -> None:
    """The one writer of access-log rows for a read of one pathway: one row per citizen shown (by default the
    pathway's subjects and a family's former members, `logged_citizens`), with the basis of the read (`via`) from
    the actor's access to the pathway.

    Pathway pages do not call it themselves: `PathwayMixin` calls it for every response that shows the pathway.
    """
    access = pathway_access(actor=actor, pathway=pathway)
    shown_citizens = logged_citizens(pathway) if citizens is None else citizens
    unique = list({citizen.pk: citizen for citizen in shown_citizens}.values())
    access_record(actor=actor, citizens=unique, shown=shown, purpose=purpose, pathway=pathway, via=access.via)


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


def programmes_to_filter_by(*, actor) -> list:
    """The programmes *Mine forløb* offers as a filter: every one the actor may see, by name. The query is compiled
    once per municipality (`core.db.precompiled_rows`): the list is the same for all its staff."""
    from samspil.pathways.models import Programme

    if not policy.is_municipal_staff(actor):
        return []  # `visible_to` is empty: no query to keep
    return precompiled_rows(
        lambda values: Programme.objects.visible_to(actor, policy.VIEW).order_by("name"),
        key=("programmes_to_filter_by", actor.municipality_id),
        variables={},
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


@dataclass(frozen=True)
class MineRow:
    """One row of *Mine forløb* as the page shows it: plain values read in the list's one query."""

    public_id: uuid.UUID
    url: str
    name: str  # the citizen's name or the family's
    programme: str
    status: str
    status_label: str
    coordinator: str
    is_mine: bool  # the coordinator (by the MANAGE rule), else on the team
    opened_on: datetime.date


_MINE_ORDER = ("-opened_on", "-public_id")


def _mine_queryset(actor, *, status: str, programme_id, cursor: str, limit: int):
    position = _decode_cursor(cursor) if cursor else None
    return _mine_filtered(actor, status=status, programme_id=programme_id, position=position, limit=limit)


def _mine_filtered(actor, *, status: str, programme_id, position: tuple | None, limit: int):
    """The first `limit` pathways of the list from `position` on, newest first.

    In two steps in one query: the page's ids (the scope narrowed by the filters, sorted on the pathway's own columns
    and cut to the page), then their rows. Joined first, every pathway the user has would be joined to its citizen,
    family, programme and coordinator and the coordinator rule judged on it before the sort threw all but a page away
    (1.8 ms against 0.8 ms for a user with 200 pathways)."""
    pathways = Pathway.objects.visible_to(actor, policy.CONTRIBUTE)
    if status:
        pathways = pathways.filter(status=status)
    if programme_id:
        pathways = pathways.filter(programme__public_id=programme_id)
    if position:
        opened_on, public_id = position
        pathways = pathways.filter(Q(opened_on__lt=opened_on) | Q(opened_on=opened_on, public_id__lt=public_id))
    page = pathways.order_by(*_MINE_ORDER).values("pk")[:limit]
    return (
        Pathway.objects.filter(pk__in=page)
        # The coordinator by the MANAGE rule (still working in the coordinating department), as on the overview.
        .annotate(is_mine=ExpressionWrapper(scopes.coordinator_of(actor), output_field=BooleanField()))
        .order_by(*_MINE_ORDER)
    )


_MINE_VALUES = (
    "pk",
    "public_id",
    "municipality_id",
    "opened_on",
    "status",
    "citizen_id",
    "citizen__municipality_id",
    "citizen__first_name",
    "citizen__last_name",
    "household_id",
    "household__name",
    "programme__name",
    "coordinator__first_name",
    "coordinator__last_name",
    "is_mine",
)


def pathway_list_mine(
    *,
    actor,
    status: str = "",
    programme_id=None,
    cursor: str = "",
    page_size: int | None = None,
    as_rows: bool = False,
) -> Page:
    """The pathways the actor coordinates or is on the team of, newest first, by keyset pagination.

    The page's citizens are logged as read. With `as_rows` (the web page) the rows are `MineRow`s read as plain
    values, with no model instances and one `reverse()` per page, so the page's cost is its rows' and small;
    otherwise pathways with their related rows (the API's serializer).
    """
    page_size = page_size or settings.SAMSPIL_PAGE_SIZE
    if as_rows:
        return _mine_rows(actor, status=status, programme_id=programme_id, cursor=cursor, page_size=page_size)
    pathways = _mine_queryset(actor, status=status, programme_id=programme_id, cursor=cursor, limit=page_size + 1)
    pathways = pathways.select_related("programme", "citizen", "household", "coordinator", "lead_department")
    pathways = pathways.prefetch_related(
        Prefetch("household__memberships", queryset=HouseholdMember.objects.current().select_related("citizen")),
    )
    rows = list(pathways)
    next_cursor = _encode_cursor(rows[page_size - 1]) if len(rows) > page_size else None
    rows = rows[:page_size]
    reads = []
    for pathway in rows:
        members = [pathway.citizen] if pathway.citizen_id else [m.citizen for m in pathway.household.memberships.all()]
        reads.extend((citizen, pathway) for citizen in members)
    access_record_each(actor=actor, reads=reads, shown="pathway.list", purpose=AccessPurpose.COORDINATION)
    return Page(rows=rows, next_cursor=next_cursor)


# Stand-ins for the values of *Mine forløb*'s filters (`core.db.precompiled_rows`), each distinct.
_MINE_STAND_INS = {
    "status": ("\x01a", "\x01b"),
    "programme": (uuid.UUID(int=5), uuid.UUID(int=6)),
    "opened_on": (datetime.date(1900, 1, 1), datetime.date(1911, 7, 15)),
    "public_id": (uuid.UUID(int=3), uuid.UUID(int=4)),
}


def _mine_rows(actor, *, status: str, programme_id, cursor: str, page_size: int) -> Page:
    from samspil.pathways.choices import PathwayStatus
    from samspil.pathways.models import Programme

    position = _decode_cursor(cursor) if cursor else None
    given = {"status": status or None, "programme": programme_id or None}
    if position:
        given["opened_on"], given["public_id"] = position
    fields = {
        "status": Pathway._meta.get_field("status"),
        "programme": Programme._meta.get_field("public_id"),
        "opened_on": Pathway._meta.get_field("opened_on"),
        "public_id": Pathway._meta.get_field("public_id"),
    }
    variables = {name: Variable(value, *_MINE_STAND_INS[name], fields[name]) for name, value in given.items() if value}

    def build(values):
        place = (values["opened_on"], values["public_id"]) if "opened_on" in values else None
        queryset = _mine_filtered(
            actor,
            status=values.get("status", ""),
            programme_id=values.get("programme"),
            position=place,
            limit=page_size + 1,
        )
        return queryset.values(*_MINE_VALUES)

    # The query compiled once per user, day, page size and the filters used (their values are its parameters).
    key = ("pathway_list_mine", actor.pk, actor.municipality_id, timezone.localdate(), page_size, tuple(variables))
    values = precompiled_rows(build, key=key, variables=variables)
    next_cursor = None
    if len(values) > page_size:
        values = values[:page_size]
        last = values[-1]
        next_cursor = _encode_cursor(Pathway(opened_on=last["opened_on"], public_id=last["public_id"]))
    # The family members the page names, for the access log: one query, only when the page has families.
    members: dict[int, list] = {}
    households = {row["household_id"] for row in values if row["household_id"]}
    if households:
        current = HouseholdMember.objects.current().filter(household_id__in=households)
        for household_id, citizen_id, municipality_id in current.values_list(
            "household_id", "citizen_id", "citizen__municipality_id"
        ):
            members.setdefault(household_id, []).append(Read(citizen_id, municipality_id))
    labels = {value: str(label) for value, label in PathwayStatus.choices}  # translated once per page, not per row
    rows, reads = [], []
    for row in values:
        pathway = Read(row["pk"], row["municipality_id"])
        if row["citizen_id"]:
            name = f"{row['citizen__first_name']} {row['citizen__last_name']}"
            subjects = [Read(row["citizen_id"], row["citizen__municipality_id"])]
        else:
            name, subjects = row["household__name"], members.get(row["household_id"], [])
        reads.extend((citizen, pathway) for citizen in subjects)
        rows.append(
            MineRow(
                public_id=row["public_id"],
                url=object_url("pathways:overview", row["public_id"]),
                name=name,
                programme=row["programme__name"],
                status=row["status"],
                status_label=labels.get(row["status"], row["status"]),
                coordinator=f"{row['coordinator__first_name']} {row['coordinator__last_name']}".strip(),
                is_mine=bool(row["is_mine"]),
                opened_on=row["opened_on"],
            )
        )
    access_record_each(actor=actor, reads=reads, shown="pathway.list", purpose=AccessPurpose.COORDINATION)
    return Page(rows=rows, next_cursor=next_cursor)


# --- the overview ------------------------------------------------------------------------------------------

# Events about access from outside the team (grants, break-glass and their reasons): the coordinator's timeline
# only, like the lists of grants and openings on the overview.
COORDINATOR_ONLY_EVENTS = (
    "access.break_glass",
    "access.break_glass_ended",
    "grant.created",
    "grant.revoked",
    "grant.ended_by_withdrawal",
)

NAME_SEPARATOR = "\x1f"  # the unit separator: never part of a department's name


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
    # A family: the current members (each citizen in `citizens` carries its row as `household_member`) and the
    # members whose membership has ended, newest end first (the family's history).
    former_members: list = field(default_factory=list)
    # The lists cut at `limit` rows (see `pathway_overview`): the page links to all of them ("?vis=alle").
    cut: frozenset = frozenset()

    @property
    def has_minors(self) -> bool:
        return any(citizen.is_minor for citizen in self.citizens)

    @property
    def shown_citizens(self) -> list:
        """Everyone the page names: the subjects, their custody holders (in a family a parent is both), the
        family's former members and the givers of the consents shown."""
        people = [
            *self.citizens,
            *(g.guardian for g in self.guardianships),
            *(member.citizen for member in self.former_members),
            # A consent's giver is named in the consent table: a custody holder whose custody has ended, or a
            # young person's own consent given before they turned 18, is not among the above.
            *(
                Citizen(pk=consent.giver_id, municipality_id=consent.giver_municipality_id)
                for consent in self.consents
                if consent.giver_id
            ),
        ]
        return list({citizen.pk: citizen for citizen in people}.values())

    @property
    def member_ids(self) -> set:
        return {citizen.pk for citizen in self.citizens}


@dataclass(frozen=True)
class OutsideAccess:
    """A grant or a break-glass opening of the pathway, as the overview lists them for the coordinator."""

    kind: str  # "grant" or "break_glass"
    public_id: uuid.UUID
    user_name: str
    reason: str
    created_at: datetime.datetime
    until: datetime.datetime  # a grant's end, or when a break-glass opening lapses
    revoked_at: datetime.datetime | None


def _outside_access(pathway: Pathway, limit: int | None = None) -> list[OutsideAccess]:
    """The pathway's grants (newest start first) and break-glass openings (newest first), in one query: a UNION of
    the two tables with the same columns; with `limit`, the newest `limit` + 1 of the two together."""
    columns = ("kind", "public_id", "first_name", "last_name", "reason", "created_at", "until", "revoked", "since")
    grants = (
        AccessGrant.objects.filter(pathway=pathway)
        .order_by()
        .annotate(
            kind=Value("grant", output_field=CharField()),
            first_name=F("user__first_name"),
            last_name=F("user__last_name"),
            until=F("valid_until"),
            revoked=F("revoked_at"),
            since=F("valid_from"),
        )
        .values_list(*columns)
    )
    openings = (
        BreakGlassAccess.objects.filter(pathway=pathway)
        .order_by()
        .annotate(
            kind=Value("break_glass", output_field=CharField()),
            first_name=F("user__first_name"),
            last_name=F("user__last_name"),
            until=F("expires_at"),
            revoked=Value(None, output_field=DateTimeField()),
            since=F("created_at"),
        )
        .values_list(*columns)
    )
    union = grants.union(openings, all=True)
    if limit is not None:
        union = union.order_by("-since")[: limit + 1]
    rows = sorted(union, key=lambda row: row[-1], reverse=True)  # newest first
    return [
        OutsideAccess(
            kind=kind,
            public_id=public_id,
            user_name=f"{first} {last}".strip(),
            reason=reason,
            created_at=created_at,
            until=until,
            revoked_at=revoked,
        )
        for kind, public_id, first, last, reason, created_at, until, revoked, _since in rows
    ]


# How many rows of each of the overview's lists (team, former team, consents, legal bases, status changes, grants,
# break-glass openings) and of its timeline the page shows before it links to all of them: a pathway's history grows,
# the page's cost should not.
OVERVIEW_LIST_SIZE = 10
OVERVIEW_TIMELINE_SIZE = 20
# All of them ("Vis alle"): the timeline still stops somewhere; the whole history is on the access-log page.
OVERVIEW_TIMELINE_ALL = 500


def _first_kept(name: str, build, pathway: Pathway, limit: int | None, cut: set, key: tuple = ()) -> list:
    """The first `limit` rows of `build(pathway_id)`, one of the overview's lists, read as `limit + 1` (so the page
    knows there are more without counting them; `name` goes into `cut` when there were). Its SQL is compiled once
    per list, `limit`, `key` (what else the query depends on) and day (`core.db.precompiled_rows`); the pathway is
    its variable."""

    def query(values):
        rows = build(values["pathway"])
        return rows if limit is None else rows[: limit + 1]

    rows = precompiled_rows(
        query,
        key=("overview_list", name, limit, *key),
        variables={"pathway": Variable(pathway.pk, -1, -2, Pathway._meta.pk)},
    )
    if limit is not None and len(rows) > limit:
        if name:
            cut.add(name)
        rows = rows[:limit]
    return rows


def _team_rows(pathway: Pathway, today: datetime.date, limit: int | None) -> tuple[list, list, set]:
    """The current team (the coordinator's place first, then staff, external professionals and the private
    network, each by start) and the former places (the newest end first), at most `limit` + 1 of each, in one query:
    a window numbers the current and the former places apart, each in its own order, so a cut list keeps the
    coordinator and the municipality's staff, and the places that ended last."""
    rows = precompiled_rows(
        lambda values: _team_queryset(values["pathway"], values["coordinator"], today, limit),
        key=("overview_team", today, limit),
        variables={
            "pathway": Variable(pathway.pk, -1, -2, TeamMember._meta.get_field("pathway")),
            "coordinator": Variable(pathway.coordinator_id, -3, -4, TeamMember._meta.get_field("user")),
        },
    )
    current_team = [m for m in rows if m.active_from <= today and (m.active_to is None or m.active_to >= today)]
    former_team = [m for m in rows if not (m.active_from <= today and (m.active_to is None or m.active_to >= today))]
    current_team.sort(key=lambda m: (m.rank, m.active_from, m.pk))
    former_team.sort(key=lambda m: (m.active_to or today, m.active_from, m.pk), reverse=True)
    cut = set()
    if limit is not None:
        for name, part in (("team", current_team), ("former_team", former_team)):
            if len(part) > limit:
                cut.add(name)
                del part[limit:]
    return current_team, former_team, cut


def _team_queryset(pathway_id: int, coordinator_id: int, today: datetime.date, limit: int | None):
    """`_team_rows`'s query (compiled once per day and limit, `core.db.precompiled_rows`)."""
    from django.db.models import Case, When, Window
    from django.db.models.functions import RowNumber

    current = Q(active_from__lte=today) & (Q(active_to__isnull=True) | Q(active_to__gte=today))
    rank = Case(
        When(kind=TeamMemberKind.STAFF, user_id=coordinator_id, then=Value(0)),
        When(kind=TeamMemberKind.STAFF, then=Value(1)),
        When(kind=TeamMemberKind.EXTERNAL, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # An external member's live invitation to Samspil, in this query: a join, not `team_invitation_annotations`'s
    # subquery per field (cheaper to build and to plan); a place has at most one live invitation (a constraint).
    live = FilteredRelation("partner_invitations", condition=Q(partner_invitations__ended_at__isnull=True))
    team = (
        TeamMember.objects.filter(pathway_id=pathway_id)
        .select_related("user", "department", "external_contact__organisation")
        .annotate(live_invitation=live)
        .annotate(**{f"partner_invitation_{name}": F(f"live_invitation__{name}") for name in INVITATION_FIELDS})
        .annotate(rank=rank)
    )
    if limit is not None:
        is_current = Case(When(current, then=Value(True)), default=Value(False), output_field=BooleanField())
        # One order serves both groups: the current places all have no end (NULL) or one in the future, ranked;
        # the former ones all rank 0 here and go by their end, newest first.
        order = [
            Case(When(current, then=F("rank")), default=Value(0), output_field=IntegerField()).asc(),
            Case(When(current, then=Value(None)), default=F("active_to"), output_field=DateField()).desc(
                nulls_last=True
            ),
            F("active_from").asc(),
            F("id").asc(),
        ]
        team = team.annotate(place_number=Window(RowNumber(), partition_by=[is_current], order_by=order)).filter(
            place_number__lte=limit + 1
        )
    return team


def pathway_overview(
    *,
    actor,
    pathway: Pathway,
    limit: int | None = OVERVIEW_LIST_SIZE,
    timeline_size: int = OVERVIEW_TIMELINE_SIZE,
) -> Overview:
    """Everything on the overview page, in a constant number of queries, and in a time that does not grow with the
    pathway's history: each list is read up to `limit` rows (None: all of them) and the timeline up to
    `timeline_size` events; `Overview.cut` names the lists that had more.

    The coordinator-only parts (grants and break-glass openings with their reasons) are read only for the
    coordinator by the MANAGE rule (`pathway.access.is_coordinator`): a former coordinator who is back through a
    grant or break-glass does not get them. The page's read is logged by the view (`overview.shown_citizens`).
    """
    former_members = []
    if pathway.citizen_id:
        citizens = [pathway.citizen]
    else:
        # Every membership of the family in one query: the current ones are the subjects, the ended ones history.
        today = timezone.localdate()
        citizens = []
        memberships = pathway.household.memberships.select_related("citizen", "added_by", "ended_by").order_by(
            "role", "citizen__birth_date", "member_from", "id"
        )
        for member in memberships:
            if member.is_current(today):
                member.citizen.household_member = member
                citizens.append(member.citizen)
            elif member.member_to is not None:
                former_members.append(member)
        former_members.sort(key=lambda member: (member.member_to, member.pk), reverse=True)
    guardianships = list(
        Guardianship.objects.filter(
            child__in=[c for c in citizens if c.is_minor], valid_to__isnull=True
        ).select_related("guardian", "child")
    )
    today = timezone.localdate()
    current_team, former_team, cut = _team_rows(pathway, today, limit)
    # Each consent with the names of the departments it covers, in one query.
    departments = (
        ConsentScope.objects.filter(consent=OuterRef("pk"))
        .order_by()
        .values("consent")
        .annotate(names=JoinedText("department__name", separator=NAME_SEPARATOR))
        .values("names")
    )
    # The departments withdrawn one by one (in the portal) while the consent stays in force for the others.
    withdrawn = (
        ConsentScope.objects.filter(consent=OuterRef("pk"), withdrawn_at__isnull=False)
        .order_by()
        .values("consent")
        .annotate(names=JoinedText("department__name", separator=NAME_SEPARATOR))
        .values("names")
    )
    # The consents in force first (a cut list never hides the basis of sharing), then the newest.
    in_force = Exists(Consent.objects.in_force(today).filter(pk=OuterRef("pk")))
    consents = _first_kept(
        "consents",
        lambda pathway_id: (
            Consent.objects.filter(pathway_id=pathway_id)
            .annotate(
                department_names=Subquery(departments, output_field=TextField()),
                withdrawn_names=Subquery(withdrawn, output_field=TextField()),
                is_in_force=in_force,
                giver_municipality_id=F("giver__municipality_id"),
            )
            .order_by(F("is_in_force").desc(), "-given_on", "-id")
        ),
        pathway,
        limit,
        cut,
        key=(today,),  # the day its SQL holds (precompiled_rows reads its own a moment later)
    )
    for consent in consents:
        consent.departments_covered = sorted(JoinedText.split(consent.department_names, NAME_SEPARATOR))
        consent.departments_withdrawn = sorted(JoinedText.split(consent.withdrawn_names, NAME_SEPARATOR))
    is_coordinator = pathway_access(actor=actor, pathway=pathway).is_coordinator
    # Grants and break-glass openings: the newest 2 × limit of the two together, each list `limit` of them.
    outside = _outside_access(pathway, limit=None if limit is None else 2 * limit) if is_coordinator else []
    if limit is not None and len(outside) > 2 * limit:
        cut.add("outside_access")  # older ones of either kind were not read
        outside = outside[: 2 * limit]
    grants = [row for row in outside if row.kind == "grant"]
    break_glass = [row for row in outside if row.kind == "break_glass"]
    if limit is not None and (len(grants) > limit or len(break_glass) > limit):
        cut.add("outside_access")
        grants, break_glass = grants[:limit], break_glass[:limit]

    def timeline(pathway_id):
        events = AuditEvent.objects.filter(pathway_id=pathway_id).exclude(code="access.denied")
        if not is_coordinator:  # who opened the pathway from outside, and why, is for the coordinator's eyes
            events = events.exclude(code__in=COORDINATOR_ONLY_EVENTS)
        return events.select_related("actor")

    overview = Overview(
        pathway=pathway,
        citizens=citizens,
        guardianships=guardianships,
        team=current_team,
        former_team=former_team,
        consents=consents,
        legal_bases=_first_kept(
            "legal_bases",
            lambda pathway_id: (
                LegalBasis.objects.filter(pathway_id=pathway_id)
                .select_related("department")
                .annotate(is_in_force=Exists(LegalBasis.objects.in_force(today).filter(pk=OuterRef("pk"))))
                .order_by(F("is_in_force").desc(), "-valid_from", "-id")
            ),
            pathway,
            limit,
            cut,
            key=(today,),
        ),
        status_changes=_first_kept(
            "status_changes",
            lambda pathway_id: StatusChange.objects.filter(pathway_id=pathway_id).select_related("changed_by"),
            pathway,
            limit,
            cut,
        ),
        grants=grants,
        break_glass=break_glass,
        # All of them ("Vis alle") still stops at `timeline_size` events; the rest are on the access-log page, so
        # that page does not link to itself.
        timeline=_first_kept(
            "timeline" if limit is not None else "", timeline, pathway, timeline_size, cut, key=(is_coordinator,)
        ),
        former_members=former_members,
        cut=frozenset(cut),
    )
    return overview


def pathway_reveal_cpr(*, actor, pathway: Pathway, citizen_public_id) -> tuple[Citizen, str]:
    """Decrypt one subject's (or custody holder's) CPR number for the actor, and record the event.

    The read is logged by the view (`CprRevealView`: one row for the revealed citizen, shown `citizen.cpr`).
    """
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
    event_record(
        actor=actor,
        code="citizen.cpr_revealed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": citizen.full_name},
    )
    return citizen, citizen.reveal_cpr()


def pathway_access_log_people(*, actor, pathway: Pathway) -> list[tuple]:
    """Who has read the pathway, as (public id, name) sorted by name: the choices of the access log's person filter."""
    reader_ids = (
        AccessLogEntry.objects.visible_to(actor, policy.MANAGE).filter(pathway=pathway).values("actor_id").distinct()
    )
    readers = (
        get_user_model().objects.filter(pk__in=reader_ids).only("public_id", "first_name", "last_name", "username")
    )
    return sorted(((user.public_id, user.get_full_name() or user.username) for user in readers), key=lambda p: p[1])


def pathway_access_log(
    *, actor, pathway: Pathway, filters: AccessLogFilters | None = None, page_size: int | None = None
) -> AccessLogPage:
    """One page of the pathway's access log, newest first, for its coordinator (keyset pages, see
    `pathways.access_log`). Reading it is itself logged (by the view, `AccessLogView`)."""
    filters = filters or AccessLogFilters()
    page_size = page_size or settings.SAMSPIL_PAGE_SIZE
    entries = AccessLogEntry.objects.visible_to(actor, policy.MANAGE).filter(pathway=pathway)
    if filters.person:
        entries = entries.filter(actor__public_id=filters.person)
    if filters.date_from:
        entries = entries.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(created_at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    for name, value in (("shown", filters.shown), ("purpose", filters.purpose), ("via", filters.via)):
        if value:
            entries = entries.filter(**{name: value})
    skip = 0
    if filters.after is not None:
        entries = entries.filter(created_at__lte=filters.after.moment)
        skip = filters.after.seen_at_moment  # the first rows at exactly that moment were on the pages before
    rows = list(entries.select_related("actor", "citizen").order_by("-created_at", "-id")[skip : skip + page_size + 1])
    page = AccessLogPage(entries=rows[:page_size], filters=filters)
    if len(rows) > page_size:
        last = page.entries[-1].created_at
        seen = sum(1 for entry in page.entries if entry.created_at == last)
        if filters.after is not None and filters.after.moment == last:
            seen += filters.after.seen_at_moment
        page.next_cursor = Cursor(moment=last, seen_at_moment=seen).encode()
    return page


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def pathway_denials(*, actor, pathway: Pathway, limit: int = 50) -> list[AuditEvent]:
    """The latest refused attempts on the pathway, each with `attempted`: what the person tried to do, in words."""
    denials = list(
        AuditEvent.objects.visible_to(actor, policy.MANAGE)
        .filter(pathway=pathway, code="access.denied")
        .select_related("actor")[:limit]
    )
    for denial in denials:
        denial.attempted = attempt_description((denial.data or {}).get("path", ""))
    return denials


# --- the change log ------------------------------------------------------------------------------------


def pathway_change_log(*, actor, pathway: Pathway, limit: int = 200) -> list[ChangeRow]:
    """Every change to the pathway and what hangs off it, with before and after in words, for its coordinator."""
    entries = list(
        ChangeLogEntry.objects.visible_to(actor, policy.MANAGE)
        .filter(pathway=pathway)
        .select_related("actor", "content_type")[:limit]
    )
    return change_rows(entries, municipality_id=pathway.municipality_id)
