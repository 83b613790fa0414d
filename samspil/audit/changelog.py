"""The change log as a person reads it: which record (in words), which fields (their Danish names) and the values
before and after written as the rest of the UI writes them.

A `ChangeLogEntry` stores the record's `str()` at the time of the change (`object_repr`) and the raw field values
(`before` / `after`, JSON). Turning those into "Nødadgang for Jens Hansen til 12.12.2026 · Udløber: 12.12.2026 →
05.12.2026" happens here, when the log is read, so the labels follow the reader's language:

- the kind of record is the model's verbose name, the fields are their verbose names (a name Django made up from
  the attribute name goes through gettext too);
- a coded value (a choice) is shown as its label, a yes/no as "Ja"/"Nej", a date as 22.11.2026, a moment in local
  time, an amount as 1.234,56;
- a reference to another row (a foreign key) is shown as that row's `str()`, read with one query per kind of row,
  only within the municipality; a row that no longer exists shows as "(another record)";
- a value redacted at the source (`ChangeLogged.change_log_redacted`, the CPR number) stays `•••`.

Rows written before every change-logged model had a readable `str()` hold reprs like "BreakGlassAccess object
(1)" or a bare id; for those the record's current `str()` is shown instead (or only its kind, if it is gone).
"""

import datetime
import decimal
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from samspil.audit.models import ChangeLogEntry

# object_repr values that say nothing to a person: Django's default "Model object (1)", a bare id, "x → 12".
UNREADABLE_REPR = re.compile(r"(\bobject \(\d+\)|^\d+|→ \d+)$")
REDACTED = "•••"
# Bookkeeping fields a reader does not need: the optimistic-locking counter goes up with every save.
NOT_SHOWN = frozenset({"version"})


@dataclass
class ChangeRow:
    entry: ChangeLogEntry
    record: str  # the kind of record: "nødadgang"
    label: str  # which one: "Nødadgang for Jens Hansen til 12.12.2026" ("" when it says no more than `record`)
    changes: list  # (field label, before, after) for an update, in the model's field order


def verbose(name) -> str:
    """A verbose name in the reader's language. One given with gettext_lazy is translated already; one Django made
    up from the attribute name (a model or field without `verbose_name`) is looked up in the catalogue as well."""
    return str(name) if isinstance(name, Promise) else gettext(str(name))


def change_rows(entries: list[ChangeLogEntry], *, municipality_id: int) -> list[ChangeRow]:
    """The entries (with `content_type` and `actor` selected) as rows to show. A constant number of queries: one
    per kind of row referred to by a changed foreign key or by an unreadable stored repr."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    plans = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = _fields_by_attname(model)
        changed = [fields.get(name) for name in entry.changed_fields] if entry.action == entry.Action.UPDATE else []
        for field in changed:
            if field is not None and field.is_relation and field.related_model is not None:
                for state in (entry.before or {}, entry.after or {}):
                    if state.get(field.attname) not in (None, ""):
                        wanted[field.related_model].add(state[field.attname])
        readable = bool(entry.object_repr) and not UNREADABLE_REPR.search(entry.object_repr)
        if model is not None and not readable:
            wanted[model].add(entry.object_id)
        plans.append((entry, model, fields, readable))

    labels = _labels(wanted, municipality_id=municipality_id)
    rows = []
    for entry, model, fields, readable in plans:
        record = verbose(model._meta.verbose_name) if model is not None else entry.content_type.model
        label = entry.object_repr if readable else labels.get((model, entry.object_id), "")
        if label.strip().casefold() == record.strip().casefold():
            label = ""  # "Fælles plan: Fælles plan" says it twice
        changes = []
        if entry.action == entry.Action.UPDATE:
            before, after = entry.before or {}, entry.after or {}
            order = {name: index for index, name in enumerate(fields)}
            shown = [name for name in entry.changed_fields if name not in NOT_SHOWN]
            if not shown:
                continue  # only the version counter moved: nothing a reader would call a change
            for name in sorted(shown, key=lambda n: (order.get(n, len(order)), n)):
                field = fields.get(name)
                changes.append(
                    (
                        verbose(field.verbose_name) if field is not None else name,
                        display_value(field, before.get(name), labels),
                        display_value(field, after.get(name), labels),
                    )
                )
        rows.append(ChangeRow(entry=entry, record=record, label=label, changes=changes))
    return rows


def display_value(field, value, labels: dict | None = None) -> str:
    """One stored value as the UI writes it (see the module docstring)."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str) and value.startswith(REDACTED):
        return REDACTED  # redacted at the source (the CPR number): never shown
    if field is not None and field.is_relation:
        return (labels or {}).get((field.related_model, value)) or _("(another record)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) or (field is None and _looks_like_iso(value) and len(value) > 10):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) or (field is None and _looks_like_iso(value)):
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if isinstance(field, models.DecimalField):
        try:
            return formats.number_format(decimal.Decimal(str(value)), use_l10n=True, force_grouping=True)
        except decimal.InvalidOperation:
            return str(value)
    if isinstance(field, models.FloatField) and isinstance(value, (int, float)):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def _looks_like_iso(value) -> bool:
    return isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-"


def _fields_by_attname(model) -> dict:
    if model is None:
        return {}
    return {field.attname: field for field in model._meta.concrete_fields}


def _labels(wanted: dict, *, municipality_id: int) -> dict:
    """`str()` of the rows asked for, keyed by (model, pk); only rows of the municipality (or of no municipality)."""
    labels = {}
    for model, pks in wanted.items():
        keys = {_pk(model, pk) for pk in pks} - {None}
        if not keys:
            continue
        queryset = model._base_manager.filter(pk__in=keys)
        if any(f.name == "municipality" for f in model._meta.concrete_fields):
            queryset = queryset.filter(municipality_id=municipality_id)
        for obj in queryset:
            labels[(model, obj.pk)] = str(obj)
    return labels


def _pk(model, value):
    try:
        return model._meta.pk.to_python(value)
    except Exception:  # a malformed stored value shows as "(another record)", never as an error page
        return None
