"""The evaluation of the drop-in-centre model (`/vaeresteder/evaluering/`) and its exports (XLSX, CSV).

Figures only (`access_shown = "none"`): read by the aggregate roles and the project leader (`access.can_read_figures`),
computed by `outreach.figures` for the user's municipality and the period asked (default: the twelve months up to
today). The small-number rule (`figures.evaluation_cells`) applies to every count a department head, team leader or
controller sees. The project leader reads every registration of the municipality anyway (`access.
sees_whole_municipality`: they type in the paper forms), so hiding a count of 1–4 would protect nothing from them:
they get the exact figures, unless they tick "hide small numbers" to make a copy fit for publishing. The unit
costs' amounts follow the economy's rule for operating costs (`costs_readable`): controllers and project leaders read
every programme's, the other leaders those of programmes coordinated from their departments; for anyone else the
amounts and unit costs are "not shown" (the citizens reached stay). The exports carry the same figures and the same
suppression as the page; the CSV is in Danish whatever the page's language.
"""

import csv
import datetime
from decimal import Decimal

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samspil.access import policy
from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.core.xlsx import Sheet, cell_value, workbook_response
from samspil.economy.costs import first_of_month
from samspil.economy.models import OperatingCost
from samspil.economy.services import can_register_operating_costs
from samspil.evaluation.figures import twelve_months_up_to
from samspil.organisations.models import ExternalOrganisation
from samspil.organisations.suppression import Cell
from samspil.outreach import access, figures
from samspil.outreach.access import DROP_IN_KINDS
from samspil.outreach.choices import Element
from samspil.outreach.views_base import OutreachStaffMixin

MAX_PERIOD_DAYS = 5 * 366  # the demand table has a row per month: five years at most


class EvaluationForm(DkfdsFormMixin, forms.Form):
    """The period (both days included), a centre, an element, the day no-shows are compared before and after, and
    for a reader with exact figures, whether to hide small numbers anyway. Read from the query string."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = twelve_months_up_to(timezone.localdate())
        self.default_period = (start, end)
        self.fields["from"] = DanishDateField(label=gettext_lazy("From"), required=False, initial=start)
        self.fields["to"] = DanishDateField(label=gettext_lazy("To"), required=False, initial=end)
        self.centres = list(
            ExternalOrganisation.objects.filter(municipality_id=user.municipality_id, kind__in=DROP_IN_KINDS).order_by(
                "name", "pk"
            )
        )
        self.fields["centre"] = forms.ChoiceField(
            label=gettext_lazy("Drop-in centre"),
            required=False,
            choices=[("", _("All drop-in centres")), *((str(c.public_id), c.name) for c in self.centres)],
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["element"] = forms.ChoiceField(
            label=gettext_lazy("Element"),
            required=False,
            choices=[("", _("All elements")), *Element.choices],
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["before_after"] = DanishDateField(
            label=gettext_lazy("No-shows before and after"),
            required=False,
            help_text=gettext_lazy("A day in the period; it counts as after. Format: dd.mm.yyyy"),
        )
        self.exact_reader = access.sees_whole_municipality(user)
        if self.exact_reader:
            self.fields["small_numbers"] = forms.BooleanField(
                label=gettext_lazy("Hide numbers from 1 to 4 (for publishing)"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        end = data.get("to") or self.default_period[1]
        start = data.get("from") or twelve_months_up_to(end)[0]  # only the last day given: the twelve months to it
        if start > end:
            raise forms.ValidationError(_("The first day of the period must be on or before the last."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("The period can be at most five years."))
        split_on = data.get("before_after")
        if split_on and not start < split_on <= end:
            self.add_error(
                "before_after", _("Choose a day after the period's first day and no later than its last day.")
            )
        data["start"], data["end"] = start, end
        data["centre_obj"] = next((c for c in self.centres if str(c.public_id) == data.get("centre")), None)
        return data

    @property
    def exact(self) -> bool:
        return self.exact_reader and not self.cleaned_data.get("small_numbers")

    def query(self) -> str:
        """The form's values as a query string for the export links."""
        values = {name: self.data.get(name) for name in self.fields if self.data.get(name)}
        return "?" + urlencode(values) if values else ""


def evaluation_form(request) -> EvaluationForm:
    """The form from the query string; without a first or last day, the default period is filled in (and shown)."""
    data = request.GET.copy()
    if not data.get("from") and not data.get("to"):
        start, end = twelve_months_up_to(timezone.localdate())
        data["from"], data["to"] = f"{start:%d.%m.%Y}", f"{end:%d.%m.%Y}"
    return EvaluationForm(data, user=request.user)


def costs_readable(user, programme_ids, start, end) -> bool:
    """Whether `user` may read the operating costs the unit costs are made of, by the economy's rule: controllers
    and project leaders (who register them) every programme's; the other aggregate roles those of the programmes
    coordinated from their departments (the scope of `OperatingCost`)."""
    if can_register_operating_costs(user):
        return True
    counted = OperatingCost.objects.filter(
        municipality_id=user.municipality_id,
        programme_id__in=list(programme_ids),
        month__gte=first_of_month(start),
        month__lte=end,
    )
    readable = OperatingCost.objects.visible_to(user, policy.AGGREGATE).values("pk")
    return not counted.exclude(pk__in=readable).exists()


def compute(request, form: EvaluationForm) -> figures.Evaluation:
    data = form.cleaned_data
    page = figures.evaluation_cells(
        municipality_id=request.user.municipality_id,
        start=data["start"],
        end=data["end"],
        centre=data["centre_obj"],
        element=data.get("element") or None,
        split_on=data.get("before_after"),
        exact=form.exact,
    )
    if not costs_readable(request.user, [pk for pk, _name in page.programmes], page.start, page.end):
        page.hide_costs()
    return page


# --- charts --------------------------------------------------------------------------------------------------


def _number(value):
    """A chart value: a hidden cell or a missing value is null (a gap), never 0."""
    if isinstance(value, Cell):
        return None if value.hidden else value.value
    return None if value is None else float(value)


def _percent(share) -> float | None:
    return None if share.value is None else round(share.value * 100, 1)


def charts(page: figures.Evaluation) -> dict:
    def demand_chart(table):
        return {
            "labels": [f"{month:%m.%Y}" for month, _cells, _total in table.rows],
            "datasets": [
                {"label": str(label), "data": [_number(cells[index]) for _month, cells, _total in table.rows]}
                for index, (_key, label) in enumerate(table.columns)
            ],
            "unit": "",
        }

    return {
        "kora": {
            "labels": [row.label for row in page.by_centre],
            "datasets": [
                {"label": _("Unique citizens"), "data": [_number(row.citizens) for row in page.by_centre]},
                {"label": _("Staff forms"), "data": [_number(row.staff_forms) for row in page.by_centre]},
                {"label": _("Citizen forms"), "data": [_number(row.citizen_forms) for row in page.by_centre]},
            ],
            "unit": "",
        },
        "demand_centre": demand_chart(page.demand_by_centre),
        "demand_element": demand_chart(page.demand_by_element),
        "ratings": {
            "labels": [str(value) for value in figures.RATING_VALUES],
            "datasets": [
                {"label": row.label, "data": [_number(cell) for _value, cell in row.distribution]}
                for row in page.ratings
            ],
            "unit": "",
        },
        "unit_costs": {
            "labels": [row.label for row in page.unit_costs],
            "datasets": [
                {"label": _("Unit cost per citizen reached"), "data": [_number(r.unit_cost) for r in page.unit_costs]}
            ],
            "unit": "kr.",
        },
        "no_show_month": {
            "labels": [row.label for row in page.no_show_by_month],
            "datasets": [{"label": _("No-show rate"), "data": [_percent(r.rate) for r in page.no_show_by_month]}],
            "unit": "%",
        },
        "no_show_split": {
            "labels": [row.label for row in [*page.no_show_by_place, *page.no_show_split]],
            "datasets": [
                {
                    "label": _("No-show rate"),
                    "data": [_percent(r.rate) for r in [*page.no_show_by_place, *page.no_show_split]],
                }
            ],
            "unit": "%",
        },
    }


# --- the page ------------------------------------------------------------------------------------------------


class EvaluationMixin(OutreachStaffMixin):
    role_check = staticmethod(access.can_read_figures)
    access_shown = "none"  # figures only: no person is shown


class EvaluationView(EvaluationMixin, View):
    """The evaluation page: KORA's Tabel 1.1, demand, ratings, unit costs and no-shows for the period asked."""

    def render_page(self, form, page=None, status=200):
        context = {
            "form": form,
            "page": page,
            "charts": charts(page) if page is not None else None,
            "exact_reader": form.exact_reader,
            "export_xlsx": reverse("outreach:evaluation_xlsx") + form.query(),
            "export_csv": reverse("outreach:evaluation_csv") + form.query(),
        }
        return render(self.request, "outreach/evaluation/page.html", context, status=status)

    def get(self, request):
        form = evaluation_form(request)
        if not form.is_valid():
            return self.render_page(form, status=422)
        return self.render_page(form, compute(request, form))


# --- exports -------------------------------------------------------------------------------------------------


def _hidden_text(cell: Cell):
    return cell_value(cell)


def _mean_value(mean: figures.Mean):
    if mean.hidden:
        return _hidden_text(mean.n)
    return mean.value


def _rate_value(row: figures.AttendanceCells):
    share = row.rate
    if share.hidden:
        return _hidden_text(row.no_show if row.no_show.hidden else row.n)
    return _percent(share)


def _amount_value(row: figures.UnitCostCells):
    return _("not shown") if row.costs_hidden else row.amount


def _unit_cost_value(row: figures.UnitCostCells):
    if row.costs_hidden:
        return _("not shown")
    if row.hidden:
        return _hidden_text(row.citizens)
    return row.unit_cost


def sheets(form: EvaluationForm, page: figures.Evaluation) -> list[Sheet]:
    """Every table of the page, one sheet each, with the page's suppression (a hidden figure is text, never its
    number); the first sheet says what was asked."""
    data = form.cleaned_data
    yes, no = _("yes"), _("no")
    about = Sheet(
        _("Period"),
        [_("Field"), _("Value")],
        [
            [_("From"), page.start],
            [_("To"), page.end],
            [_("Drop-in centre"), data["centre_obj"].name if data["centre_obj"] else _("All drop-in centres")],
            [_("Element"), Element(data["element"]).label if data.get("element") else _("All elements")],
            [_("No-shows before and after"), page.split_on],
            [_("Numbers from 1 to 4 hidden"), no if page.exact else yes],
            [_("Programmes with operating costs"), ", ".join(name for _pk, name in page.programmes) or _("none")],
        ],
    )
    kora_columns = [_("Unique citizens"), _("Citizen forms"), _("Staff forms"), _("Citizens with both forms")]

    def kora_row(row, label):
        return [label, row.citizens, row.citizen_forms, row.staff_forms, row.citizens_with_both]

    all_centres, all_elements = _("All drop-in centres"), _("All elements")
    by_centre = Sheet(
        _("Table 1.1 per centre"),
        [_("Drop-in centre"), *kora_columns],
        [*(kora_row(row, row.label) for row in page.by_centre), kora_row(page.total, all_centres)],
    )
    by_element = Sheet(
        _("Table 1.1 per element"),
        [_("Element"), *kora_columns],
        [*(kora_row(row, row.label) for row in page.by_element), kora_row(page.total, all_elements)],
    )

    def demand_sheet(title, table):
        columns = [_("Month"), *(str(label) for _key, label in table.columns), _("Total")]
        rows = [[f"{month:%m.%Y}", *cells, total] for month, cells, total in table.rows]
        rows.append([_("Total"), *table.column_totals, table.total])
        return Sheet(title, columns, rows)

    ratings = Sheet(
        _("Citizens' ratings"),
        [_("Question"), _("Answers"), _("Mean"), "1", "2", "3", "4", "5"],
        [
            [row.label, row.n, _mean_value(row.mean), *(cell for _value, cell in row.distribution)]
            for row in page.ratings
        ],
    )
    unit_costs = Sheet(
        _("Unit costs"),
        [_("Element"), _("Operating costs (kr.)"), _("Citizens reached"), _("Unit cost per citizen (kr.)")],
        [[row.label, _amount_value(row), row.citizens, _unit_cost_value(row)] for row in page.unit_costs],
    )
    unit_costs.rows.append([_("Group activities: participations not named"), None, page.anonymous_participations, None])

    no_show_rows = []
    for heading, rows in (
        (_("Place"), page.no_show_by_place),
        (_("Department"), page.no_show_by_department),
        (_("Month"), page.no_show_by_month),
        (_("Before and after"), page.no_show_split),
        (_("All"), [page.no_show_total]),
    ):
        for row in rows:
            no_show_rows.append([heading, row.label, row.attended, row.no_show, row.n, _rate_value(row)])
    no_shows = Sheet(
        _("No-shows"),
        [_("Grouping"), _("Group"), _("Attended"), _("Did not show"), _("Attended or not"), _("No-show rate, %")],
        no_show_rows,
    )
    return [
        about,
        by_centre,
        by_element,
        demand_sheet(_("Demand per centre"), page.demand_by_centre),
        demand_sheet(_("Demand per element"), page.demand_by_element),
        ratings,
        unit_costs,
        no_shows,
    ]


def _filename(page: figures.Evaluation, extension: str) -> str:
    return f"vaeresteder-evaluering-{page.start:%Y%m%d}-{page.end:%Y%m%d}.{extension}"


class EvaluationXlsxView(EvaluationView):
    def get(self, request):
        form = evaluation_form(request)
        if not form.is_valid():
            return self.render_page(form, status=422)
        page = compute(request, form)
        return workbook_response(_filename(page, "xlsx"), sheets(form, page))


def csv_text(value) -> str:
    """A value of the CSV as Danish spreadsheets read it: a decimal comma, dates as 22.11.2026, hidden cells as their
    text, nothing as empty."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")
    return str(value)


class EvaluationCsvView(EvaluationView):
    """The same tables as the XLSX in one CSV (UTF-8 with BOM, semicolons, Danish headers): a line per figure with
    its table, its row, its column and its value."""

    def get(self, request):
        form = evaluation_form(request)
        if not form.is_valid():
            return self.render_page(form, status=422)
        with translation.override("da"):  # Danish headers and labels whatever the page's language
            page = compute(request, form)
            tables = sheets(form, page)
            header = [_("Table"), _("Row"), _("Column"), _("Value")]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(page, "csv")}"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(header)
        for sheet in tables:
            for row in sheet.rows:
                label, values = row[0], row[1:]
                for column, value in zip(sheet.columns[1:], values, strict=True):
                    writer.writerow([str(sheet.title), csv_text(label), str(column), csv_text(value)])
        return response
