"""Imports from CSV: conversations at drop-in centres typed from KORA's paper forms or kept in a municipality's
spreadsheet (`manage.py import_outreach`), and a department's appointments from the job centre's booking system
(`manage.py import_appointments`).

The conventions are the consumption import's (samspil/segmentation):

- The header is required and names exactly the columns (any order, any case); CSV is UTF-8 with or without a
  byte-order mark, the delimiter `;` or `,`, whichever the header uses. Blank lines are skipped.
- Every row is checked before anything is written, and every bad row is reported by its line number and a reason
  code (`REASONS` explains them in words). A reason never repeats a cell's value, so a CPR number cannot leak into
  the output or the audit event.
- All or nothing by default: one bad row and nothing is saved. With `skip_bad_rows` the good rows are saved and the
  bad ones reported.
- Idempotent: each saved row carries `import_key`, the SHA-256 of the normalised row and its occurrence number among
  identical rows of the file. Importing the same file again finds every key and writes nothing, and two identical
  conversations on one day in one file stay two. The normalised row holds the citizen's blind index, never the CPR
  number, so the key reveals nothing.
- One audit event `outreach.imported` per import that was kept (with the counts and the file's name, digit runs
  hidden as the consumption import hides them).

Dates are written `YYYY-MM-DD` or `DD.MM.YYYY`. Drop-in centres and departments are found by name, without regard
to case but otherwise exactly. A conversation's `citizen_ref` is the centre's name for the citizen (a
`ContactPerson` of that centre, made when new: `services_contacts.person_get_or_create`); a `cpr` must be a
registered citizen of the municipality (found by the blind index); with both, the person is linked to the citizen and
their earlier conversations with them, as staff link them (`services_contacts.person_link`).
"""

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.context import bound
from samspil.audit.services import event_record
from samspil.citizens import cpr
from samspil.citizens.services import citizen_find_by_cpr
from samspil.organisations.models import Department, ExternalOrganisation
from samspil.outreach import access, selectors_contacts, services_contacts
from samspil.outreach.choices import AppointmentOutcome, AppointmentPlace, Element, Identity, RatingSource
from samspil.outreach.models import Appointment, CitizenRating, ContactPerson, ContactRegistration


class ImportKind(models.TextChoices):
    """What an import brought in (the audit event's `kind`)."""

    REGISTRATIONS = "registrations", _("registered conversations")
    APPOINTMENTS = "appointments", _("appointments")


REGISTRATION_COLUMNS = (
    "date",
    "centre",
    "element",
    "department",
    "citizen_ref",
    "cpr",
    "minutes",
    "rating_safe",
    "rating_relevant",
    "rating_place",
)
APPOINTMENT_COLUMNS = ("date", "department", "citizen_ref", "cpr", "place", "outcome")
REF_MAX_LENGTH = 80  # ContactPerson.pseudonym and Appointment.citizen_ref
MAX_MINUTES = 600  # ContactRegistration.minutes

REASONS = {
    "columns": _("The row does not have as many fields as the header."),
    "empty": _("The field is empty."),
    "too_long": _("The field is too long."),
    "date": _("The date is not a valid date written YYYY-MM-DD or DD.MM.YYYY."),
    "date_future": _("The date lies in the future; only a conversation that has taken place can be registered."),
    "outcome_future": _("The appointment lies in the future, so it cannot have an outcome yet."),
    "centre": _("The municipality has no drop-in centre with this name."),
    "department": _("The municipality has no department with this name."),
    "element": _("The element must be fremskudt_sagsbehandling, fremskudt_misbrugsindsats, skp or holdbaseret."),
    "cpr_format": _("The CPR number is not ten digits (DDMMYY-SSSS)."),
    "cpr_date": _("The first six digits of the CPR number are not a valid date."),
    "cpr_future": _("The CPR number gives a birth date in the future."),
    "cpr_unknown": _(
        "No registered citizen of the municipality has this CPR number. Register the citizen first, or leave the "
        "CPR number out."
    ),
    "person_other_citizen": _("The centre's name for the citizen is already linked to another registered citizen."),
    "minutes": _("The minutes must be a whole number from 1 to 600, or empty."),
    "rating": _("A rating must be a whole number from 1 to 5, or empty."),
    "place": _("The place must be centre or office."),
    "outcome": _("The outcome must be attended, cancelled or no_show, or empty when it has not been held yet."),
}


def reason_text(code: str) -> str:
    """The explanation of a reason code such as "empty:department" ("department: The field is empty.")."""
    base, _sep, column = code.partition(":")
    text = str(REASONS.get(base, code))
    return f"{column}: {text}" if column else text


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no header, wrong columns, not UTF-8). Nothing is imported."""


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows_read: int = 0
    created: int = 0
    unchanged: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, reason code)
    skip_bad_rows: bool = False

    @property
    def rejected(self) -> bool:
        """All or nothing and a bad row: nothing was saved."""
        return bool(self.bad_rows) and not self.skip_bad_rows

    @property
    def skipped(self) -> int:
        return len(self.bad_rows) if self.skip_bad_rows else 0


# --- reading -------------------------------------------------------------------------------------------------

_COLUMN_NAME = re.compile(r"^[a-z_]{1,40}$")


def _header_positions(cells: list[str], columns: tuple[str, ...]) -> list[int]:
    """The position of each column in the header, or ImportFileError naming what is wrong (never a cell's value
    unless it looks like a column name: the first line may be a data row)."""
    names = [cell.strip().lower() for cell in cells]
    while names and not names[-1]:  # a spreadsheet's trailing empty columns
        names.pop()
    missing = [column for column in columns if column not in names]
    extra = [name for name in names if name not in columns]
    repeated = sorted({name for name in names if name in columns and names.count(name) > 1})
    if missing or extra or repeated:
        parts = []
        if missing:
            parts.append(str(_("missing: %(columns)s")) % {"columns": ", ".join(missing)})
        named = [name for name in extra if _COLUMN_NAME.match(name)]
        if named:
            parts.append(str(_("not expected: %(columns)s")) % {"columns": ", ".join(named[:10])})
        if repeated:
            parts.append(str(_("more than once: %(columns)s")) % {"columns": ", ".join(repeated)})
        if len(named) < len(extra):
            parts.append(str(_("columns that are not column names")))
        raise ImportFileError(
            str(_("The first line must name exactly the columns %(expected)s (%(problems)s)."))
            % {"expected": ", ".join(columns), "problems": "; ".join(parts)}
        )
    return [names.index(column) for column in columns]


def read_rows(path: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict | None]]:
    """(line number, the row's cells by column, stripped) for every non-blank data row; None for a row with the
    wrong number of fields."""
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text.")) from None
        if not first.strip():
            raise ImportFileError(_("The file is empty: the first line must name the columns."))
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        positions = _header_positions(next(csv.reader([first], delimiter=delimiter)), columns)
        width = max(positions) + 1
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for cells in reader:
                if not cells or all(not cell.strip() for cell in cells):
                    continue
                line = reader.line_num + 1  # the header was line 1
                while len(cells) > width and not cells[-1].strip():
                    cells.pop()
                if len(cells) != width:
                    yield line, None
                    continue
                yield (
                    line,
                    {column: cells[position].strip() for column, position in zip(columns, positions, strict=True)},
                )
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text.")) from None
        except csv.Error:
            raise ImportFileError(
                str(_("Line %(line)s cannot be read as CSV.")) % {"line": reader.line_num + 1}
            ) from None


# --- checking ------------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", re.ASCII)
_DANISH_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$", re.ASCII)
_WHOLE = re.compile(r"^[0-9]{1,4}$", re.ASCII)


class BadRow(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_date(text: str) -> datetime.date:
    """A date written YYYY-MM-DD or DD.MM.YYYY; BadRow("date") otherwise."""
    match = _ISO_DATE.match(text)
    try:
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DANISH_DATE.match(text)
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise BadRow("date")


def _whole(text: str, *, low: int, high: int, code: str) -> int | None:
    if not text:
        return None
    if not _WHOLE.match(text) or not low <= int(text) <= high:
        raise BadRow(code)
    return int(text)


def _required(row: dict, column: str) -> str:
    if not row[column]:
        raise BadRow(f"empty:{column}")
    return row[column]


class _Lookups:
    """The municipality's departments, drop-in centres, citizens (by blind index) and persons known at a centre,
    each looked up once."""

    def __init__(self, municipality_id: int):
        self.municipality_id = municipality_id
        self.departments = {
            name.casefold(): pk
            for pk, name in Department.objects.filter(municipality_id=municipality_id).values_list("pk", "name")
        }
        self.centres = {
            centre.name.casefold(): centre
            for centre in ExternalOrganisation.objects.filter(
                municipality_id=municipality_id, kind__in=access.DROP_IN_KINDS
            )
        }
        self._citizens: dict[str, int | None] = {}
        self._persons: dict[tuple[int, str], tuple[int | None, int | None]] = {}  # -> (person pk, citizen pk)

    def department_id(self, name: str) -> int:
        found = self.departments.get(name.strip().casefold())
        if found is None:
            raise BadRow("department")
        return found

    def centre(self, name: str) -> ExternalOrganisation:
        found = self.centres.get(name.strip().casefold())
        if found is None:
            raise BadRow("centre")
        return found

    def citizen(self, raw: str) -> tuple[int, str, str] | None:
        """(citizen pk, blind index, CPR digits) of a registered citizen, None for an empty field, BadRow
        otherwise."""
        if not raw:
            return None
        try:
            digits = cpr.normalise(raw)
        except ValidationError as error:
            raise BadRow(error.code if error.code in REASONS else "cpr_format") from None
        index = cpr.blind_index(digits)
        if index not in self._citizens:
            found = citizen_find_by_cpr(municipality_id=self.municipality_id, digits=digits)
            self._citizens[index] = found.pk if found else None
        citizen_id = self._citizens[index]
        if citizen_id is None:
            raise BadRow("cpr_unknown")
        return citizen_id, index, digits

    def person(self, centre, ref: str) -> tuple[int | None, int | None]:
        """(person pk or None when new, the citizen they are linked to or None) for a centre's name."""
        key = (centre.pk, ref.casefold())
        if key not in self._persons:
            found = selectors_contacts.person_by_name(centre=centre, pseudonym=ref)
            self._persons[key] = (found.pk, found.citizen_id) if found else (None, None)
        return self._persons[key]

    def link(self, centre, ref: str, citizen_id: int) -> None:
        """Remember that an earlier row of the file links the person to the citizen."""
        person_id, _citizen_id = self.person(centre, ref)
        self._persons[(centre.pk, ref.casefold())] = (person_id, citizen_id)


@dataclass
class _Registration:
    line: int
    occurred_on: datetime.date
    centre: ExternalOrganisation
    element: str
    department_id: int
    ref: str
    citizen_id: int | None
    minutes: int | None
    ratings: tuple[int | None, int | None, int | None]
    normalised: str
    cpr_digits: str = ""  # in memory only, to link the person (`services_contacts.person_link`)
    import_key: str = ""


@dataclass
class _Appointment:
    line: int
    occurred_on: datetime.date
    department_id: int
    ref: str
    citizen_id: int | None
    place: str
    outcome: str
    normalised: str
    import_key: str = ""


def _ref(row: dict) -> str:
    ref = " ".join(row["citizen_ref"].split())
    if len(ref) > REF_MAX_LENGTH:
        raise BadRow("too_long:citizen_ref")
    return ref


def _check_registration(line: int, row: dict, lookups: _Lookups, today: datetime.date) -> _Registration:
    occurred_on = parse_date(_required(row, "date"))
    if occurred_on > today:
        raise BadRow("date_future")
    centre = lookups.centre(_required(row, "centre"))
    element = _required(row, "element").lower()
    if element not in Element.values:
        raise BadRow("element")
    department_id = lookups.department_id(_required(row, "department"))
    ref = _ref(row)
    citizen = lookups.citizen(row["cpr"])
    citizen_id, index, digits = citizen if citizen else (None, "", "")
    if ref and citizen_id is not None:
        _person_id, linked_to = lookups.person(centre, ref)
        if linked_to is not None and linked_to != citizen_id:
            raise BadRow("person_other_citizen")
    minutes = _whole(row["minutes"], low=1, high=MAX_MINUTES, code="minutes")
    ratings = tuple(
        _whole(row[column], low=1, high=5, code="rating")
        for column in ("rating_safe", "rating_relevant", "rating_place")
    )
    if ref and citizen_id is not None:
        lookups.link(centre, ref, citizen_id)  # only once the row is good
    normalised = "\x1f".join(
        (
            ImportKind.REGISTRATIONS,
            occurred_on.isoformat(),
            str(centre.pk),
            element,
            str(department_id),
            ref.casefold(),
            index,
            str(minutes or ""),
            *(str(rating or "") for rating in ratings),
        )
    )
    return _Registration(
        line, occurred_on, centre, element, department_id, ref, citizen_id, minutes, ratings, normalised, digits
    )


def _check_appointment(line: int, row: dict, lookups: _Lookups, today: datetime.date) -> _Appointment:
    occurred_on = parse_date(_required(row, "date"))
    department_id = lookups.department_id(_required(row, "department"))
    ref = _ref(row)
    citizen = lookups.citizen(row["cpr"])
    citizen_id, index, _digits = citizen if citizen else (None, "", "")
    place = _required(row, "place").lower()
    if place not in AppointmentPlace.values:
        raise BadRow("place")
    outcome = row["outcome"].lower()
    if outcome and outcome not in AppointmentOutcome.values:
        raise BadRow("outcome")
    if outcome and occurred_on > today:
        raise BadRow("outcome_future")
    normalised = "\x1f".join(
        (ImportKind.APPOINTMENTS, occurred_on.isoformat(), str(department_id), ref.casefold(), index, place, outcome)
    )
    return _Appointment(line, occurred_on, department_id, ref, citizen_id, place, outcome, normalised)


def _check_file(path: str, columns, check, lookups: _Lookups, result: ImportResult) -> list:
    """Every row checked: the good ones (with their import key) in file order; the bad ones on `result`."""
    today = timezone.localdate()
    good, occurrences = [], Counter()
    for line, row in read_rows(path, columns):
        result.rows_read += 1
        if row is None:
            result.bad_rows.append((line, "columns"))
            continue
        try:
            checked = check(line, row, lookups, today)
        except BadRow as bad:
            result.bad_rows.append((line, bad.code))
            continue
        occurrences[checked.normalised] += 1
        checked.import_key = hashlib.sha256(
            f"{checked.normalised}\x1e{occurrences[checked.normalised]}".encode()
        ).hexdigest()
        good.append(checked)
    return good


# --- writing -------------------------------------------------------------------------------------------------


def _person_for(*, centre, ref: str, people: dict) -> ContactPerson:
    """The centre's person with this name, made when new (`services_contacts.person_get_or_create`)."""
    key = (centre.pk, ref.casefold())
    if key not in people:
        people[key], _created = services_contacts.person_get_or_create(centre=centre, pseudonym=ref)
    return people[key]


def _write_registrations(rows: list[_Registration], *, municipality_id: int, actor, result: ImportResult) -> None:
    present = set(
        ContactRegistration.objects.filter(
            municipality_id=municipality_id, import_key__in=[row.import_key for row in rows]
        ).values_list("import_key", flat=True)
    )
    people: dict = {}
    for row in rows:
        if row.import_key in present:  # imported before, with its person and link
            result.unchanged += 1
            continue
        person = _person_for(centre=row.centre, ref=row.ref, people=people) if row.ref else None
        identity = Identity.PSEUDONYM if person else Identity.REGISTERED if row.citizen_id else Identity.ANONYMOUS
        registration = ContactRegistration.objects.create(
            municipality_id=municipality_id,
            centre=row.centre,
            element=row.element,
            occurred_on=row.occurred_on,
            department_id=row.department_id,
            staff=None,
            recorded_by=actor,
            identity=identity,
            person=person,
            citizen_id=person.citizen_id if person else row.citizen_id,
            minutes=row.minutes,
            import_key=row.import_key,
        )
        if any(rating is not None for rating in row.ratings):
            safe, relevant, place = row.ratings
            CitizenRating.objects.create(
                municipality_id=municipality_id,
                registration=registration,
                safe=safe,
                relevant=relevant,
                place=place,
                source=RatingSource.IMPORT,
                entered_by=actor,
            )
        if person is not None and row.citizen_id is not None and person.citizen_id is None:
            # A CPR number with the centre's name: the person — and every conversation under that name — is linked
            # to the citizen, as staff link them (`services_contacts.person_link`, with its event).
            people[(row.centre.pk, row.ref.casefold())] = services_contacts.person_link(
                actor=actor, person=person, cpr_digits=row.cpr_digits
            )
        result.created += 1
        present.add(row.import_key)


def _write_appointments(rows: list[_Appointment], *, municipality_id: int, actor, result: ImportResult) -> None:
    present = set(
        Appointment.objects.filter(
            municipality_id=municipality_id, import_key__in=[row.import_key for row in rows]
        ).values_list("import_key", flat=True)
    )
    for row in rows:
        if row.import_key in present:
            result.unchanged += 1
            continue
        Appointment.objects.create(
            municipality_id=municipality_id,
            department_id=row.department_id,
            occurred_on=row.occurred_on,
            place=row.place,
            centre=None,  # the booking system's file does not say which centre
            citizen_id=row.citizen_id,
            citizen_ref=row.ref,
            outcome=row.outcome,
            recorded_by=actor,
            import_key=row.import_key,
        )
        result.created += 1
        present.add(row.import_key)


def _run(*, kind, columns, check, write, municipality, path: str, actor, skip_bad_rows: bool) -> ImportResult:
    from samspil.segmentation.services import safe_file_name

    result = ImportResult(kind=kind, file_name=safe_file_name(path), skip_bad_rows=skip_bad_rows)
    with bound(actor_id=getattr(actor, "pk", None)), transaction.atomic():
        good = _check_file(path, columns, check, _Lookups(municipality.pk), result)
        if result.rejected:
            return result
        write(good, municipality_id=municipality.pk, actor=actor, result=result)
        event_record(
            actor=actor,
            code="outreach.imported",
            municipality_id=municipality.pk,
            data={
                "file": result.file_name,
                "created": result.created,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "import_kind": kind,
            },
        )
    return result


def registrations_import(*, municipality, path: str, actor, skip_bad_rows: bool = False) -> ImportResult:
    """Import conversations (`REGISTRATION_COLUMNS`), registered by `actor` (a staff member who may register them:
    the project leader typing in the paper forms). All or nothing unless `skip_bad_rows`; ImportFileError when the
    file cannot be read at all."""
    if actor is None or actor.municipality_id != municipality.pk or not access.can_register(actor):
        raise ValueError("The importer must be a staff member of the municipality who may register conversations.")
    return _run(
        kind=ImportKind.REGISTRATIONS,
        columns=REGISTRATION_COLUMNS,
        check=_check_registration,
        write=_write_registrations,
        municipality=municipality,
        path=path,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
    )


def appointments_import(*, municipality, path: str, actor=None, skip_bad_rows: bool = False) -> ImportResult:
    """Import appointments (`APPOINTMENT_COLUMNS`); `actor` (optional, as for the consumption import) is recorded
    as who registered them. All or nothing unless `skip_bad_rows`."""
    if actor is not None and actor.municipality_id != municipality.pk:
        raise ValueError("The importer must belong to the municipality.")
    return _run(
        kind=ImportKind.APPOINTMENTS,
        columns=APPOINTMENT_COLUMNS,
        check=_check_appointment,
        write=_write_appointments,
        municipality=municipality,
        path=path,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
    )


SHOWN_BAD_ROWS = 50


def summary_lines(result: ImportResult) -> list[str]:
    """The summary the commands print: one line of counts, then the bad rows by line number and reason."""
    from django.utils.translation import gettext, ngettext

    if result.rejected:
        status = gettext("Nothing was imported")
    elif result.bad_rows:
        status = gettext("Imported, bad rows skipped")
    else:
        status = gettext("Imported")
    lines = [
        gettext("%(status)s: %(read)s rows read, %(created)s new, %(unchanged)s already imported, %(bad)s bad")
        % {
            "status": status,
            "read": result.rows_read,
            "created": result.created,
            "unchanged": result.unchanged,
            "bad": len(result.bad_rows),
        }
    ]
    for line, code in result.bad_rows[:SHOWN_BAD_ROWS]:
        lines.append("  " + gettext("line %(line)s: %(reason)s") % {"line": line, "reason": reason_text(code)})
    if len(result.bad_rows) > SHOWN_BAD_ROWS:
        more = len(result.bad_rows) - SHOWN_BAD_ROWS
        lines.append(
            "  " + ngettext("… and %(count)s more bad row", "… and %(count)s more bad rows", more) % {"count": more}
        )
    return lines
