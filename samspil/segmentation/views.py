"""Pages under /segmentering/: only for the roles with the segmentation purpose; everyone else gets 404."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin
from samspil.core.exceptions import ConflictError
from samspil.segmentation import forms, reader, selectors, services, tasks
from samspil.segmentation.choices import ImportStatus
from samspil.segmentation.importer import BAD_ROWS_KEPT
from samspil.segmentation.rules import CURVE_POINTS, top_count


class SegmentationMixin(RoleRequiredMixin):
    """Only `policy.can_segment` users; anyone else gets 404, as if the pages did not exist (and it is logged)."""

    role_check = staticmethod(policy.can_segment)


def _overview_context(user, *, upload_form=None) -> dict:
    figures = selectors.figures(user)
    curve = figures.curve
    return {
        "figures": figures,
        "share_rows": [
            (percent, top_count(percent, figures.citizens), figures.shares[percent] * 100) for percent in CURVE_POINTS
        ],
        "curve_chart": {
            "labels": [f"{x:g}" for x, _y in curve],
            "datasets": [{"label": _("Share of the total cost (%)"), "data": [round(y, 2) for _x, y in curve]}],
            "unit": "%",
        },
        "department_chart": {
            "labels": [label for label, _n in figures.departments],
            "datasets": [{"label": _("Citizens"), "data": [n for _label, n in figures.departments]}],
            "unit": "",
        },
        "service_chart": {
            "labels": [label for label, _n in figures.services],
            "datasets": [{"label": _("Citizens"), "data": [n for _label, n in figures.services]}],
            "unit": "",
        },
        "imports": selectors.import_list(user),
        "upload_form": upload_form or forms.UploadForm(),
    }


class OverviewView(SegmentationMixin, View):
    def get(self, request):
        return render(request, "segmentation/overview.html", _overview_context(request.user))


class UploadView(SegmentationMixin, View):
    def post(self, request):
        form = forms.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services.consumption_import_create(
                    actor=request.user, uploaded_file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                tasks.import_start(job)
                job.refresh_from_db(fields=["status", "error"])
                if job.status == ImportStatus.FAILED:
                    messages.error(request, job.error)
                return HttpResponseRedirect(reverse("segmentation:import", args=[job.public_id]))
        return render(
            request, "segmentation/overview.html", _overview_context(request.user, upload_form=form), status=422
        )


SHOWN_BAD_ROWS = 200


def _import_context(job) -> dict:
    """The job comes without its bad rows (deferred); they are read only once it has finished with some."""
    progress = services.progress_get(job)
    shown = []
    if job.is_finished and job.rows_bad:
        shown = [(line, reader.reason_text(code)) for line, code in job.bad_rows[:SHOWN_BAD_ROWS]]
    return {
        "job": job,
        "progress": progress,
        "percent": 100 if job.is_finished else int(progress["fraction"] * 100),
        "bad_rows": shown,
        "bad_rows_kept": BAD_ROWS_KEPT,
        "only_some_kept": job.rows_bad > BAD_ROWS_KEPT,
    }


class ImportView(SegmentationMixin, View):
    def get(self, request, import_id):
        job = selectors.import_get(request.user, import_id)
        return render(request, "segmentation/import.html", _import_context(job))


class ImportProgressView(SegmentationMixin, View):
    """The progress partial, polled by HTMX while the import runs."""

    def get(self, request, import_id):
        job = selectors.import_get(request.user, import_id)
        return render(request, "segmentation/_import_progress.html", _import_context(job))


class ImportBadRowsView(SegmentationMixin, View):
    """Every bad row of an import as CSV: line number and reason (never a cell value)."""

    def get(self, request, import_id):
        job = selectors.import_get(request.user, import_id, with_bad_rows=True)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bad-rows-{job.public_id}.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["line", "reason"])
        for line, code in job.bad_rows:
            writer.writerow([line, reader.reason_text(code)])
        return response


def _candidates_context(request, *, rule_form=None) -> dict:
    try:
        page = int(request.GET.get("side", "1"))
    except ValueError:
        page = 1
    rows, figures, pages = selectors.candidate_page(request.user, page=page)
    rule = figures.rule
    if rule_form is None:
        rule_form = forms.RuleForm(
            initial={
                "min_departments": rule.min_departments,
                "top_percent": rule.top_percent,
                "min_total_dkk": rule.min_total_dkk,
                "combination": rule.combination,
                "expected_version": rule.version,
            }
        )
    current = min(max(page, 1), pages)
    return {
        "rows": rows,
        "figures": figures,
        "rule": rule,
        "rule_form": rule_form,
        "page": current,
        "pages": pages,
        "previous_page": current - 1 if current > 1 else None,
        "next_page": current + 1 if current < pages else None,
    }


class CandidateListView(SegmentationMixin, View):
    def get(self, request):
        return render(request, "segmentation/candidates.html", _candidates_context(request))


class RuleUpdateView(SegmentationMixin, View):
    def post(self, request):
        form = forms.RuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.candidate_rule_update(
                    actor=request.user,
                    min_departments=data["min_departments"],
                    top_percent=data["top_percent"],
                    min_total_dkk=data["min_total_dkk"],
                    combination=data["combination"],
                    expected_version=data["expected_version"],
                )
            except (ValidationError, ConflictError) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, _("The candidate rule was saved."))
                return HttpResponseRedirect(reverse("segmentation:candidates"))
        return render(request, "segmentation/candidates.html", _candidates_context(request, rule_form=form), status=422)


def _candidate_context(request, candidate_id, *, classify_form=None, referral_form=None) -> dict:
    detail = selectors.candidate_detail(request.user, public_id=candidate_id)
    return {
        "detail": detail,
        "subject": detail.subject,
        "classify_form": classify_form or forms.ClassifyForm(),
        "referral_form": referral_form or forms.ReferralForm(municipality_id=request.user.municipality_id),
        "referrals": selectors.candidate_referrals(request.user, detail.subject),
    }


class CandidateView(SegmentationMixin, View):
    def get(self, request, candidate_id):
        return render(request, "segmentation/candidate.html", _candidate_context(request, candidate_id))


class ClassifyView(SegmentationMixin, View):
    def post(self, request, candidate_id):
        subject = selectors.subject_get(request.user, candidate_id)
        form = forms.ClassifyForm(request.POST)
        if form.is_valid():
            services.candidate_classify(
                actor=request.user,
                subject=subject,
                citizen_type=form.cleaned_data["citizen_type"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The classification was saved."))
            return HttpResponseRedirect(reverse("segmentation:candidate", args=[candidate_id]))
        return render(
            request,
            "segmentation/candidate.html",
            _candidate_context(request, candidate_id, classify_form=form),
            status=422,
        )


class ReferView(SegmentationMixin, View):
    """Hand the candidate to a coordinator as a referral; the coordinator registers the name on taking it on."""

    def post(self, request, candidate_id):
        subject = selectors.subject_get(request.user, candidate_id)
        form = forms.ReferralForm(request.POST, municipality_id=request.user.municipality_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user,
                    subject=subject,
                    programme=data["programme"],
                    membership=data["coordinator"],
                    note=data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(reference)s was referred to %(coordinator)s in %(programme)s.")
                    % {
                        "reference": subject.reference,
                        "coordinator": referral.coordinator.get_full_name(),
                        "programme": referral.programme,
                    },
                )
                return HttpResponseRedirect(reverse("segmentation:candidate", args=[candidate_id]))
        return render(
            request,
            "segmentation/candidate.html",
            _candidate_context(request, candidate_id, referral_form=form),
            status=422,
        )
