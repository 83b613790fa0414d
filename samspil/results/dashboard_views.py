"""The documentation model's pages (`/programmer/resultater/`, `/programmer/<code>/resultater/…`) and their XLSX.

Leaders (`policy.can_see_aggregates`, `policy.can_run_programmes`) get figures only, with the small-number rule
(`results.documentation`); a caseworker gets the pathways they coordinate themselves, with names, logged as a list.
Everyone else: 404, logged (`RoleRequiredMixin`).
"""

import datetime
import math

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin, deny
from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.core.xlsx import Sheet, workbook_response
from samspil.implementation.selectors import programme_get
from samspil.results import documentation
from samspil.results.choices import EducationEmployment
from samspil.results.documentation import FigureCells


def can_read_figures(user) -> bool:
    """The leaders' figures: aggregate roles and project leaders."""
    return policy.can_see_aggregates(user) or policy.can_run_programmes(user)


def can_read_results(user) -> bool:
    """The overview: leaders see the figures, case roles the way to their own caseload."""
    return can_read_figures(user) or policy.can_do_case_work(user)


class CohortForm(DkfdsFormMixin, forms.Form):
    """The cohort: pathways opened from one day to another (both optional, both included)."""

    fra = DanishDateField(label=gettext_lazy("Started from"), required=False)
    til = DanishDateField(label=gettext_lazy("Started until"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        if start and end and start > end:
            raise forms.ValidationError(gettext_lazy("The first day of the period must be on or before the last."))
        return data

    @property
    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data.get("fra"), self.cleaned_data.get("til")

    def query(self) -> str:
        """The filter as a query string for the export link ("" without one)."""
        start, end = self.period
        parts = [f"{name}={day:%d.%m.%Y}" for name, day in (("fra", start), ("til", end)) if day]
        return "?" + "&".join(parts) if parts else ""


def cohort_form(request) -> CohortForm:
    bound = any(request.GET.get(name) for name in ("fra", "til"))
    return CohortForm(request.GET if bound else None)


def _max_age_minutes() -> int:
    """The figures' age limit in whole minutes, rounded up (30 seconds is "1 minute", never "0")."""
    return math.ceil(documentation.figures_max_age().total_seconds() / 60)


def _share_value(share) -> float | None:
    return None if share.value is None else round(share.value * 100, 1)


def _chart_data(documentation_model) -> dict:
    """Status at the start and now as a bar chart (hidden figures are gaps); the table beside it has the same."""
    rows = documentation_model.distribution
    return {
        "labels": [str(row.label) for row in rows],
        "datasets": [
            {"label": _("At the start"), "data": [None if row.start.hidden else row.start.value for row in rows]},
            {"label": _("Now"), "data": [None if row.now.hidden else row.now.value for row in rows]},
        ],
        "unit": "",
    }


def _headline_chart(cells: FigureCells) -> dict:
    return {
        "labels": [_("In education"), _("Employed"), _("Minimum of meetings held")],
        "datasets": [
            {
                "label": _("Share of the citizens"),
                "data": [
                    _share_value(cells.in_education_share),
                    _share_value(cells.employed_share),
                    _share_value(cells.meetings_met_share),
                ],
            }
        ],
        "unit": "%",
    }


class OverviewView(RoleRequiredMixin, View):
    """Every programme's headline for leaders; for case roles, the programmes they coordinate pathways in."""

    role_check = staticmethod(can_read_results)

    def get(self, request):
        leader = can_read_figures(request.user)
        overview = documentation.programmes_overview(actor=request.user) if leader else []
        context = {
            "leader": leader,
            "overview": overview,
            "own": documentation.caseload_programmes(actor=request.user)
            if policy.can_do_case_work(request.user)
            else [],
            "today": timezone.localdate(),
            "counted_at": min((item.counted_at for item in overview), default=None),
            "max_age_minutes": _max_age_minutes(),
            "recount_url": reverse("programme_results:overview"),
        }
        return render(request, "results/dashboard/overview.html", context)

    def post(self, request):
        """Every programme's figures counted again now, then the page again."""
        if not can_read_figures(request.user):
            raise PermissionDenied  # a case role may read the page, not count the leaders' figures
        documentation.programmes_overview(actor=request.user, recount=True)
        messages.success(request, _("The figures have been counted again."))
        return redirect("programme_results:overview")


class OverviewExportView(RoleRequiredMixin, View):
    role_check = staticmethod(can_read_figures)

    def get(self, request):
        overview = documentation.programmes_overview(actor=request.user)
        sheet = Sheet(_("Programmes"), _headline_columns(_("Programme")))
        sheet.rows = [_headline_row(item.figures, item.programme.name) for item in overview]
        return workbook_response(f"resultater-{timezone.localdate():%Y-%m-%d}.xlsx", [sheet])


class ProgrammeMixin(RoleRequiredMixin):
    """A programme of the user's municipality by its code (404, logged, for any other)."""

    def prepare(self, request, code=None, **kwargs):
        try:
            self.programme = programme_get(actor=request.user, code=code)
        except Http404:
            deny(request)


class ProgrammeResultsView(ProgrammeMixin, View):
    """The documentation model of one programme for leaders: figures only, small numbers hidden."""

    role_check = staticmethod(can_read_figures)
    template_name = "results/dashboard/programme.html"

    def model(self, form, *, recount: bool = False):
        opened_from, opened_to = form.period
        return documentation.programme_documentation(
            actor=self.request.user,
            programme=self.programme,
            opened_from=opened_from,
            opened_to=opened_to,
            recount=recount,
        )

    def post(self, request, code):
        """The whole programme's figures counted again now, then the page again (with its cohort, if any)."""
        self.model(CohortForm(), recount=True)
        messages.success(request, _("The figures have been counted again."))
        return redirect("programme_results:programme", self.programme.code)

    def get(self, request, code):
        form = cohort_form(request)
        status = 422 if form.is_bound and not form.is_valid() else 200
        model = self.model(form)
        # A cohort is counted for the page; the whole programme beside it is counted with it, not read as kept.
        whole = self.model(CohortForm(), recount=True) if any(form.period) else None
        tables = None
        if model.kept_key:  # the kept counting's tables, written once per process and language
            tables = documentation.kept_in_process(
                f"{model.kept_key}:tables",
                lambda: render_to_string("results/dashboard/_programme_tables.html", {"model": model}),
            )
        context = {
            "programme": self.programme,
            "form": form,
            "model": model,
            "whole": whole,
            "distribution_chart": _chart_data(model),
            "headline_chart": _headline_chart(model.headline),
            "export_url": reverse("programme_results:export", args=[self.programme.code]) + form.query(),
            "can_see_programme": policy.can_see_aggregates(request.user) or policy.can_run_programmes(request.user),
            "counted_at": model.counted_at,
            "max_age_minutes": _max_age_minutes(),
            "recount_url": reverse("programme_results:programme", args=[self.programme.code]),
            "tables": tables,
        }
        return render(request, self.template_name, context, status=status)


def _headline_columns(first: str) -> list[str]:
    return [
        first,
        _("Citizens"),
        _("In education"),
        _("In education, %"),
        _("Employed"),
        _("Employed, %"),
        _("Other or not recorded"),
        _("Minimum of meetings held"),
        _("Minimum of meetings held, %"),
    ]


def _percent_cell(share):
    """A share for the sheet: the percentage with one decimal, or the hidden count's text."""
    if share.hidden:
        return share.count if share.count.hidden else share.of
    return _share_value(share)


def _headline_row(cells: FigureCells, label) -> list:
    return [
        str(label),
        cells.citizens,
        cells.in_education,
        _percent_cell(cells.in_education_share),
        cells.employed,
        _percent_cell(cells.employed_share),
        cells.other,
        cells.meetings_met,
        _percent_cell(cells.meetings_met_share),
    ]


class ProgrammeExportView(ProgrammeResultsView):
    """Every table of the programme's page as a sheet, with the same cohort; hidden figures as text, never numbers."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, code):
        form = cohort_form(request)
        if form.is_bound and not form.is_valid():
            return super().get(request, code)  # the page with the errors (422)
        model = self.model(form)
        opened_from, opened_to = form.period
        headline = Sheet(_("Headline"), _headline_columns(_("Cohort")))
        period = (
            _("All")
            if not (opened_from or opened_to)
            else _("Started %(from)s – %(to)s")
            % {
                "from": f"{opened_from:%d.%m.%Y}" if opened_from else "…",
                "to": f"{opened_to:%d.%m.%Y}" if opened_to else "…",
            }
        )
        headline.rows.append(_headline_row(model.headline, period))
        sheets = [headline]
        for title, first, rows in (
            (_("Per coordinator"), _("Coordinator"), model.by_coordinator),
            (_("Per department"), _("Coordinating department"), model.by_department),
            (_("Per target group"), _("Target group"), model.by_target_group),
        ):
            sheets.append(Sheet(title, _headline_columns(first), [_headline_row(row, row.label) for row in rows]))
        sheets.append(
            Sheet(
                _("Status at start and now"),
                [_("Education and employment"), _("At the start"), _("Now")],
                [[str(row.label), row.start, row.now] for row in model.distribution],
            )
        )
        sheets.append(
            Sheet(
                _("Goals"),
                [_("Goals reached"), _("Goals in the plans")],
                [[model.goals_reached, model.goals_total]],
            )
        )
        suffix = (
            "".join(f"-{day:%Y%m%d}" if day else "-" for day in (opened_from, opened_to)) if any(form.period) else ""
        )
        return workbook_response(f"resultater-{self.programme.code}{suffix}.xlsx", sheets)


class CaseloadView(ProgrammeMixin, View):
    """A caseworker's own pathways in the programme, with the citizens' names: logged as a list."""

    role_check = staticmethod(policy.can_do_case_work)

    def get(self, request, code):
        rows = documentation.caseload_for_page(actor=request.user, programme=self.programme)
        labels = dict(EducationEmployment.choices)
        context = {
            "programme": self.programme,
            "rows": rows,
            "labels": labels,
            "today": timezone.localdate(),
            "met": sum(1 for item in rows if item.row.meetings_met),
        }
        return render(request, "results/dashboard/caseload.html", context)
