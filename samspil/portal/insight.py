"""Insight: who has looked at the citizen's data, when, what, why and on which basis (Datatilsynet's expectation,
GDPR art. 15).

The person the log concerns is the account's own citizen when they are a subject of the pathway, and each minor
subject in their custody (a custody holder sees who looked at their child's data). Their log is read across the whole
municipality, not only this pathway: every pathway of theirs, intake searches without a pathway, and reads by blind
index from segmentation (`AccessLogEntry.subject_index` is the citizens' `cpr_index`), and reads of a person known at
a drop-in centre by the centre's name for them, made before that person was linked to the citizen
(`ContactPerson.log_subject_index`). A break-glass read carries the reason the reader gave (`BreakGlassAccess` of
that reader and pathway, opened before the read).

Portal accounts never read through `visible_to` (the policy gives them nothing): the rows are found by the person
they concern, which `portal.access` has established. Keyset pages, newest first, `(created_at, id)` descending, with
the staff access log's opaque cursor (`pathways.access_log.Cursor`): for each person one query by citizen (the index
`(citizen, created_at)`) and one by blind index (its own index), each limited to the page, merged in memory, asked
first for this month and the last and for the months before only when those do not fill the page (`_entries`). No
`COUNT(*)`, no scan of the log.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.models import BreakGlassAccess
from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.citizens.models import Citizen
from samspil.core.db import STAND_IN_MOMENTS, Variable, precompiled_rows, precompiled_rows_by_ids
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.outreach.selectors_contacts import linked_person_indexes
from samspil.pathways.access_log import Cursor
from samspil.pathways.models import Pathway
from samspil.pathways.selectors import subject_citizens
from samspil.portal.access import _children_in_custody

HIDE_OWN = "skjul"  # ?egne=skjul: leave the account's own reads out


@dataclass(frozen=True)
class InsightRow:
    """One read, as the citizen is shown it."""

    created_at: datetime.datetime
    who: str  # the reader's name, or "You" for the account's own reads
    is_own: bool
    role: str  # job title or role (staff), title (partner), or the capacity of a citizen account
    department: str  # department(s) (staff), organisation (partner), "" for citizens
    what: str
    why: str
    via: str
    via_code: str
    about: str  # whose data, by first name
    break_glass_reason: str = ""

    def as_dict(self) -> dict:
        return {
            "when": timezone.localtime(self.created_at).isoformat(),
            "who": self.who,
            "own_read": self.is_own,
            "role": self.role,
            "department": self.department,
            "what": self.what,
            "purpose": self.why,
            "basis": self.via,
            "about": self.about,
            "break_glass_reason": self.break_glass_reason,
        }


@dataclass
class InsightPage:
    rows: list[InsightRow]
    subjects: list[Citizen]
    hide_own: bool = False
    next_cursor: str = ""
    error: str = ""
    notes: list[str] = field(default_factory=list)

    def query(self, *, after: str = "", hide_own: bool | None = None) -> str:
        hide = self.hide_own if hide_own is None else hide_own
        values = {"egne": HIDE_OWN if hide else "", "efter": after}
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def next_query(self) -> str:
        return self.query(after=self.next_cursor) if self.next_cursor else ""

    @property
    def toggle_query(self) -> str:
        return self.query(hide_own=not self.hide_own)


def insight_subjects(pathway: Pathway) -> list[Citizen]:
    """Whose reads the account may see, from this pathway: the account's own citizen if they are a subject, and each
    minor subject in their custody today (a custody holder: the child)."""
    access = pathway.portal_access
    person = access.person
    subjects = subject_citizens(pathway)
    children = set(_children_in_custody(person, timezone.localdate()))
    chosen = [citizen for citizen in subjects if citizen.pk == person.pk or citizen.pk in children]
    if access.child is not None and all(citizen.pk != access.child.pk for citizen in chosen):
        chosen.append(access.child)
    return chosen


RECENT_MONTHS = 2  # this month and the one before: the window of a page's first queries (`_entries`)


def recent_start(reference: datetime.datetime) -> datetime.datetime:
    """The first moment of the month before `reference`'s, in UTC as the log's monthly partitions are cut
    (`audit/0006`): where the window of a page's first queries begins."""
    earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    try:
        utc = reference.astimezone(datetime.UTC)
    except OverflowError:  # before year 1 in UTC: only a made-up cursor
        return earliest
    months = utc.year * 12 + utc.month - 1 - (RECENT_MONTHS - 1)
    if months < 12:
        return earliest
    year, month = divmod(months, 12)
    return datetime.datetime(year, month + 1, 1, tzinfo=datetime.UTC)


def _entries(*, subjects, linked, user, after: Cursor | None, hide_own: bool, limit: int | None):
    """The newest `limit` log rows about `subjects` (all of them with `limit` None), newest first. `linked` is
    `linked_person_indexes` of the subjects.

    For each person one query by citizen (the index `(citizen, created_at)`) and one by blind indexes (theirs and
    the drop-in centres' names for them), each limited to the page, merged in memory. In two steps: first each query
    bounded to the window since `recent_start`, and only if together they do not fill the page, each again for the
    rows before it. Every row before the window is older than every row in it, so when the window fills the page no
    older row can be on it. PostgreSQL plans a query over every monthly partition its conditions leave (~1.5–2 ms
    a query at 29 months, with no row found); the window leaves it this month's and the last (and any made ahead,
    and the default partition, which a lower bound alone cannot rule out), and a citizen in a pathway is read often
    enough for the window to fill the page, so the queries over every month are planned only for a citizen rarely
    read.

    Not kept as prepared statements (`core.db.precompiled_rows`): a generic plan estimates a citizen's rows as the
    average and reads and sorts all of them, also with an index in the page's exact order (5.6 ms for a citizen with
    many reads, where the plan made for the values stops after the page, 0.4 ms)."""
    if not subjects:
        return []
    keys: list[tuple[str, object]] = []
    for citizen in subjects:
        keys.append(("citizen", citizen.pk))
        indexes = [index for index in (citizen.cpr_index, *linked.get(citizen.pk, ())) if index]
        if indexes:
            keys.append(("index", indexes))
    query = {
        "municipality_id": subjects[0].municipality_id,
        "not_by": user.pk if hide_own else None,
        "after": after.moment if after is not None else None,
    }
    found: dict[int, AccessLogEntry] = {}
    if limit is None:
        for key in keys:
            found.update((entry.pk, entry) for entry in _log_rows(key, **query, bound="", start=None, limit=None))
    else:
        start = recent_start(after.moment if after is not None else timezone.now())
        for bound in ("window", "before"):
            if len(found) >= limit:
                break
            # The same limit in both steps, as it is written into the kept SQL: a limit per citizen would keep a
            # query per number. The caller cuts the second step's surplus.
            for key in keys:
                found.update(
                    (entry.pk, entry) for entry in _log_rows(key, **query, bound=bound, start=start, limit=limit)
                )
    return sorted(found.values(), key=lambda entry: (entry.created_at, entry.pk), reverse=True)


# Stand-ins for the window's start in the kept log queries, apart from the cursor's (`STAND_IN_MOMENTS`).
_WINDOW_STAND_INS = (
    datetime.datetime(1972, 2, 2, 2, 2, 2, 3, tzinfo=datetime.UTC),
    datetime.datetime(1984, 9, 9, 9, 9, 9, 4, tzinfo=datetime.UTC),
)


def _log_rows(key, *, municipality_id, not_by, after, bound: str, start, limit: int | None) -> list[AccessLogEntry]:
    """The log rows of one person by one key (`("citizen", id)` or `("index", [blind indexes])`), newest first:
    without the rows of `not_by`, at or before `after`, in the window since `start` (`bound` "window") or before it
    ("before"), at most `limit`. The readers are read for the rows shown (`_with_readers`), not joined here: the
    joins doubled the planning.

    Compiled once per shape and connection (`core.db.precompiled_rows`), but not prepared: PostgreSQL plans every
    run for its values (`_entries`)."""
    kind, value = key
    field = AccessLogEntry._meta.get_field
    variables = {"municipality": Variable(municipality_id, -1, -2, field("municipality"))}
    if not_by is not None:
        variables["not_by"] = Variable(not_by, -3, -4, field("actor"))
    if after is not None:
        variables["after"] = Variable(after, *STAND_IN_MOMENTS, field("created_at"))
    if bound:
        variables["start"] = Variable(start, *_WINDOW_STAND_INS, field("created_at"))
    if kind == "citizen":
        variables["citizen"] = Variable(value, -5, -6, field("citizen"))
    else:
        for n, index in enumerate(value):
            variables[f"index{n}"] = Variable(index, f"stand-in-a-{n}", f"stand-in-b-{n}", field("subject_index"))

    def build(values):
        rows = AccessLogEntry.objects.filter(municipality_id=values["municipality"])
        if "not_by" in values:
            rows = rows.exclude(actor_id=values["not_by"])
        if "after" in values:
            rows = rows.filter(created_at__lte=values["after"])
        if bound == "window":
            rows = rows.filter(created_at__gte=values["start"])
        elif bound == "before":
            rows = rows.filter(created_at__lt=values["start"])
        if kind == "citizen":
            rows = rows.filter(citizen_id=values["citizen"])
        else:
            rows = rows.filter(subject_index__in=[values[f"index{n}"] for n in range(len(value))])
        rows = rows.order_by("-created_at", "-id")
        return rows if limit is None else rows[:limit]

    shape = ("insight_log", kind, len(value) if kind == "index" else 1, not_by is not None, after is not None)
    return precompiled_rows(build, key=(*shape, bound, limit), variables=variables, prepare=False)


def _memberships(actor_ids) -> dict[int, list[Membership]]:
    """The staff readers' memberships with their departments, oldest first (one kept query per number of places,
    `core.db.precompiled_rows_by_ids`, as `_with_readers`)."""
    memberships: dict[int, list[Membership]] = {}
    for membership in precompiled_rows_by_ids(
        lambda ids: (
            Membership.objects.filter(user_id__in=ids).select_related("department").order_by("active_from", "pk")
        ),
        sorted(actor_ids),
        key=("insight_memberships",),
        field=Membership._meta.get_field("user"),
    ):
        memberships.setdefault(membership.user_id, []).append(membership)
    return memberships


def _break_glass(entries) -> dict[tuple[int, int], list[BreakGlassAccess]]:
    wanted = [entry for entry in entries if entry.via == AccessVia.BREAK_GLASS and entry.pathway_id]
    if not wanted:
        return {}
    openings: dict[tuple[int, int], list[BreakGlassAccess]] = {}
    for opening in BreakGlassAccess.objects.filter(
        user_id__in={entry.actor_id for entry in wanted}, pathway_id__in={entry.pathway_id for entry in wanted}
    ).order_by("created_at", "pk"):
        openings.setdefault((opening.user_id, opening.pathway_id), []).append(opening)
    return openings


def _reason_for(entry, openings) -> str:
    """The reason of the reader's latest break-glass opening of that pathway made before the read."""
    reason = ""
    for opening in openings.get((entry.actor_id, entry.pathway_id), []):
        if opening.created_at <= entry.created_at:
            reason = opening.reason
    return reason


def _staff_role(memberships: list[Membership], on: datetime.date, job_title: str, roles: dict) -> tuple[str, str]:
    """The reader's job title or roles, and departments, of their memberships on the day (`roles`: the roles'
    labels in the active language)."""
    current = [m for m in memberships if m.active_from <= on and (m.active_to is None or m.active_to >= on)]
    chosen = current or memberships[-1:]
    named = ", ".join(dict.fromkeys(roles.get(m.role, m.role) for m in chosen))
    departments = ", ".join(dict.fromkeys(m.department.name for m in chosen))
    return job_title or named or _("Employee of the municipality"), departments


def _shown_text(shown: str) -> str:
    label = SHOWN_LABELS.get(shown)
    return str(label) if label is not None else shown


def _with_readers(entries) -> list:
    """The entries, each with its reader (`entry.actor`, with a partner's contact and organisation): one query for
    them all. An entry whose reader is gone is left out, as the join it replaced left it out (the log has no foreign
    key constraints, `audit/0007`)."""
    ids = sorted({entry.actor_id for entry in entries})
    if not ids:
        return []
    # One kept query per number of places (`core.db.precompiled_rows_by_ids`): built and compiled for every page,
    # this and the memberships' query cost the page more than the database took to answer them.
    readers = {
        reader.pk: reader
        for reader in precompiled_rows_by_ids(
            lambda ids: User.objects.filter(pk__in=ids).select_related("external_contact__organisation"),
            ids,
            key=("insight_readers",),
            field=User._meta.pk,
        )
    }
    found = []
    for entry in entries:
        reader = readers.get(entry.actor_id)
        if reader is not None:
            entry.actor = reader
            found.append(entry)
    return found


def describe(entries, *, user, subjects, linked) -> list[InsightRow]:
    """The rows in words: a constant number of queries (the readers, their memberships, break-glass openings).
    `linked` is `linked_person_indexes` of the subjects."""
    entries = _with_readers(entries)
    actors = {entry.actor_id for entry in entries if entry.actor.kind == AccountKind.STAFF}
    memberships = _memberships(actors) if actors else {}
    openings = _break_glass(entries)
    names = {citizen.pk: citizen.first_name for citizen in subjects}
    names_by_index = {citizen.cpr_index: citizen.first_name for citizen in subjects}
    for citizen_id, indexes in linked.items():
        names_by_index.update(dict.fromkeys(indexes, names[citizen_id]))
    # The labels once per page, in the active language, not a choices list built (and translated) per row; a staff
    # reader's role and departments once per reader and day.
    purposes = {value: str(label) for value, label in AccessPurpose.choices}
    vias = {value: str(label) for value, label in AccessVia.choices}
    roles = {value: str(label) for value, label in StaffRole.choices}
    shown_labels: dict[str, str] = {}  # of the page's own `shown` values only (SHOWN_LABELS has dozens)
    you, someone = _("You yourself"), _("A user of Samspil")
    as_citizen = {AccessVia.CUSTODY: _("Custody holder, in the portal")}
    citizen_role = _("The citizen, in the portal")
    staff_roles: dict[tuple[int, datetime.date], tuple[str, str]] = {}
    rows = []
    for entry in entries:
        actor = entry.actor
        is_own = actor.pk == user.pk
        if actor.kind == AccountKind.CITIZEN:
            role, department = as_citizen.get(entry.via, citizen_role), ""
        elif actor.kind == AccountKind.PARTNER:
            contact = actor.external_contact
            role = (contact.title if contact else "") or _("External partner")
            department = contact.organisation.name if contact else ""
        else:
            day = timezone.localtime(entry.created_at).date()
            if (actor.pk, day) not in staff_roles:
                staff_roles[actor.pk, day] = _staff_role(memberships.get(actor.pk, []), day, actor.job_title, roles)
            role, department = staff_roles[actor.pk, day]
        rows.append(
            InsightRow(
                created_at=entry.created_at,
                who=you if is_own else (actor.get_full_name() or someone),
                is_own=is_own,
                role=role,
                department=department,
                what=shown_labels.get(entry.shown) or shown_labels.setdefault(entry.shown, _shown_text(entry.shown)),
                why=purposes.get(entry.purpose, entry.purpose),
                via=vias.get(entry.via, entry.via),
                via_code=entry.via,
                about=names.get(entry.citizen_id) or names_by_index.get(entry.subject_index, ""),
                break_glass_reason=_reason_for(entry, openings) if entry.via == AccessVia.BREAK_GLASS else "",
            )
        )
    return rows


def insight_page(
    *, user, subjects, after: Cursor | None = None, hide_own: bool = False, page_size: int | None = None
) -> InsightPage:
    """One page of the log about `subjects`, newest first."""
    page_size = page_size or settings.SAMSPIL_PAGE_SIZE
    skip = after.seen_at_moment if after is not None else 0
    linked = linked_person_indexes(citizen.pk for citizen in subjects)
    entries = _entries(
        subjects=subjects, linked=linked, user=user, after=after, hide_own=hide_own, limit=skip + page_size + 1
    )
    window = entries[skip : skip + page_size + 1]
    shown = window[:page_size]
    rows = describe(shown, user=user, subjects=subjects, linked=linked)
    page = InsightPage(rows=rows, subjects=subjects, hide_own=hide_own)
    if len(window) > page_size:
        last = shown[-1].created_at
        seen = sum(1 for entry in shown if entry.created_at == last)
        if after is not None and after.moment == last:
            seen += after.seen_at_moment
        page.next_cursor = Cursor(moment=last, seen_at_moment=seen).encode()
    return page


def insight_all(*, user, subjects) -> list[InsightRow]:
    """The whole log about `subjects`, newest first (the data download)."""
    linked = linked_person_indexes(citizen.pk for citizen in subjects)
    entries = _entries(subjects=subjects, linked=linked, user=user, after=None, hide_own=False, limit=None)
    return describe(entries, user=user, subjects=subjects, linked=linked)
