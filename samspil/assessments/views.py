"""Pages of the joint assessment (*tværfaglig udredning*) of a pathway, mounted at /forloeb/<id>/udredning/.

Views parse input, call one selector or service, and render; `PathwayMixin` resolves the pathway (404 out of
scope, 403 for a stronger action, both logged) and writes one access-log row per citizen for every response that
shows the pathway. Reading needs VIEW; the team's work (investigations, the family's view, sections) CONTRIBUTE;
starting, findings, compiling and approving MANAGE (the coordinator). Writes are plain form posts: success
redirects back with a message, invalid or refused input answers the page with the form and its errors (422),
nothing saved; a version conflict keeps the user's text and shows what is saved now.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.assessments import forms, selectors, services
from samspil.assessments.choices import AssessmentStatus
from samspil.assessments.models import Assessment, AssessmentSection, AssessmentStudy, Finding
from samspil.assessments.pdf import CASE_FILE, CITIZEN, report_pdf
from samspil.assessments.snapshot import citizen_version
from samspil.audit.services import access_denied_record
from samspil.core.forms import form_on_saved_version
from samspil.pathways.views import PathwayMixin, PathwayWriteView

# The query string of the PDF's edition, as the plan's: ?udgave=borger (the default) or ?udgave=sag.
EDITION_PARAMETER = {"borger": CITIZEN, "sag": CASE_FILE}


def _detail_url(pathway, assessment) -> str:
    return reverse("assessments:detail", args=[pathway.public_id, assessment.public_id])


class AssessmentListView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "assessments"

    def get(self, request, pathway_id):
        context = {
            "pathway": self.pathway,
            "assessments": selectors.assessment_list(self.pathway),
            "can_start": self.pathway.is_open and self.pathway.access.is_coordinator,
        }
        return render(request, "assessments/list.html", context)


class AssessmentStartView(PathwayWriteView):
    """The coordinator starts an assessment: a page of its own (its choices name the family members)."""

    permission_action = policy.MANAGE
    access_shown = "pathway.form"

    @property
    def success_message(self):
        return _("The assessment was started. Record the family's own view first.")

    def render_form(self, form, status=200):
        return render(self.request, "assessments/start.html", {"pathway": self.pathway, "form": form}, status=status)

    def get(self, request, pathway_id):
        initial = {}
        previous = request.GET.get("opfoelgning")
        meeting = _uuid_list(request.GET.get("moede", ""))
        if meeting:  # "start an assessment at this status meeting" (the form offers only the pathway's)
            initial["meeting"] = meeting[0]
        if previous:
            earlier = Assessment.objects.filter(pathway=self.pathway, public_id__in=_uuid_list(previous)).first()
            if earlier is not None:
                initial |= {
                    "previous": earlier.public_id,
                    "method": earlier.method,
                    "subject": str(earlier.subject.public_id),
                }
        return self.render_form(forms.AssessmentStartForm(pathway=self.pathway, initial=initial))

    def bound_form(self):
        return forms.AssessmentStartForm(self.request.POST, pathway=self.pathway)

    def perform(self, form):
        data = form.cleaned_data
        self.assessment = services.assessment_start(
            actor=self.request.user,
            pathway=self.pathway,
            method=data["method"],
            subject_id=data["subject"],
            purpose=data["purpose"],
            previous_id=data["previous"].public_id if data["previous"] else None,
            meeting_id=data["meeting"].public_id if data["meeting"] else None,
        )

    def success(self):
        return HttpResponseRedirect(_detail_url(self.pathway, self.assessment))

    def failure(self, form):
        return self.render_form(form, status=422)


def _uuid_list(value) -> list:
    import uuid

    try:
        return [uuid.UUID(str(value))]
    except ValueError:
        return []


# --- one assessment -----------------------------------------------------------------------------------------------


class AssessmentMixin(PathwayMixin):
    """A page about one assessment of the pathway: out of the pathway (or missing) is 404."""

    access_shown = "assessment"

    def get_assessment(self) -> Assessment:
        return selectors.assessment_get(self.pathway, self.kwargs["assessment_id"])


def _can(pathway, action: str) -> bool:
    if not pathway.is_open:
        return False
    return pathway.access.is_coordinator if action == policy.MANAGE else pathway.access.may_contribute


def _assessment_context(request, pathway, assessment, bound=None, extra=None) -> dict:
    page = selectors.assessment_page(actor=request.user, pathway=pathway, assessment=assessment)
    can_contribute, can_manage = _can(pathway, policy.CONTRIBUTE), _can(pathway, policy.MANAGE)
    context = {
        "pathway": pathway,
        "assessment": assessment,
        "page": page,
        "labels": selectors.section_labels(assessment.method),
        "can_contribute": can_contribute,
        "can_manage": can_manage,
        "shows_internal_notes": pathway.access.shows_internal_notes,
        "can_write_section": can_contribute and bool(assessment.family_view) and page.own_place is not None,
        "forms": {},
        "open_form": "",
    }
    if can_contribute:
        context["forms"]["study"] = forms.StudyForm(pathway=pathway, prefix="study")
        context["forms"]["family_view"] = forms.FamilyViewForm(
            pathway=pathway,
            prefix="family_view",
            initial={"family_view": assessment.family_view, "version": assessment.version},
        )
    if can_manage:
        context["forms"]["finding"] = forms.FindingForm(pathway=pathway, assessment=assessment, prefix="finding")
    for key, form in (bound or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    context.update(extra or {})
    return context


class AssessmentDetailView(AssessmentMixin, View):
    permission_action = policy.VIEW

    def get(self, request, pathway_id, assessment_id):
        assessment = self.get_assessment()
        return render(request, "assessments/assessment.html", _assessment_context(request, self.pathway, assessment))


class AssessmentActionView(AssessmentMixin, PathwayWriteView):
    """A form posted from the assessment's page. Success: back to the page; invalid or refused: the page, 422."""

    permission_action = policy.CONTRIBUTE
    form_key = ""

    def get_form(self, assessment):
        raise NotImplementedError

    def bound_form(self):
        self.assessment = self.get_assessment()
        self.extra = {}
        return self.get_form(self.assessment)

    def success(self):
        return HttpResponseRedirect(_detail_url(self.pathway, self.assessment))

    def failure(self, form):
        assessment = self.get_assessment()  # as saved now
        context = _assessment_context(self.request, self.pathway, assessment, {self.form_key: form}, self.extra)
        return render(self.request, "assessments/assessment.html", context, status=422)


class StudyAddView(AssessmentActionView):
    form_key = "study"

    @property
    def success_message(self):
        return _("The investigation was added.")

    def get_form(self, assessment):
        return forms.StudyForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        data = form.cleaned_data
        services.study_add(
            actor=self.request.user,
            assessment=self.assessment,
            kind=data["kind"],
            description=data["description"],
            responsible_id=data["responsible"].public_id if data["responsible"] else None,
        )


class StudyMixin:
    def get_study(self) -> AssessmentStudy:
        return get_object_or_404(
            AssessmentStudy.objects.filter(assessment=self.assessment), public_id=self.kwargs["study_id"]
        )


class StudyDoneView(StudyMixin, AssessmentActionView):
    @property
    def form_key(self):
        return f"study-{self.kwargs['study_id']}"

    @property
    def success_message(self):
        return _("The investigation was updated.")

    def get_form(self, assessment):
        self.study = self.get_study()
        return forms.StudyDoneForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        services.study_done(actor=self.request.user, study=self.study, done_on=form.cleaned_data["done_on"])


class StudyRemoveView(StudyMixin, AssessmentActionView):
    @property
    def form_key(self):
        return f"study-remove-{self.kwargs['study_id']}"

    @property
    def success_message(self):
        return _("The investigation was removed.")

    def get_form(self, assessment):
        self.study = self.get_study()
        return forms.ConfirmForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        services.study_remove(actor=self.request.user, study=self.study)


class FamilyViewView(AssessmentActionView):
    form_key = "family_view"

    @property
    def success_message(self):
        return _("The family's own view was saved.")

    def get_form(self, assessment):
        return forms.FamilyViewForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        services.family_view_record(
            actor=self.request.user,
            assessment=self.assessment,
            text=form.cleaned_data["family_view"],
            expected_version=form.cleaned_data["version"],
        )

    def conflict(self, form, error):
        current = self.get_assessment()
        form = form_on_saved_version(form, saved_version=current.version, message=error.message)
        self.extra = {"conflict": "family_view", "saved_family_view": current.family_view}
        return self.failure(form)


class FindingAddView(AssessmentActionView):
    permission_action = policy.MANAGE
    form_key = "finding"

    @property
    def success_message(self):
        return _("The finding was added.")

    def get_form(self, assessment):
        return forms.FindingForm(self.request.POST, pathway=self.pathway, assessment=assessment, prefix=self.form_key)

    def perform(self, form):
        data = form.cleaned_data
        services.finding_add(
            actor=self.request.user,
            assessment=self.assessment,
            area=data["area"],
            kind=data["kind"],
            text=data["text"],
            member_id=data.get("member") or None,
        )


class FindingRemoveView(AssessmentActionView):
    permission_action = policy.MANAGE

    @property
    def form_key(self):
        return f"finding-remove-{self.kwargs['finding_id']}"

    @property
    def success_message(self):
        return _("The finding was removed.")

    def get_form(self, assessment):
        self.finding = get_object_or_404(
            Finding.objects.filter(assessment=assessment), public_id=self.kwargs["finding_id"]
        )
        return forms.ConfirmForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        services.finding_remove(actor=self.request.user, finding=self.finding)


# --- pages of their own: a section, a finding, the compile form ----------------------------------------------------


class FormPageView(AssessmentMixin, PathwayWriteView):
    """A form on a page of its own within the assessment (GET: the empty or current form; POST: save)."""

    template_name = ""

    def get(self, request, pathway_id, assessment_id, **kwargs):
        self.assessment = self.get_assessment()
        self.prepare()
        return self.render_form(self.get_form())

    def bound_form(self):
        self.assessment = self.get_assessment()
        self.extra = {}
        self.prepare()
        return self.get_form(self.request.POST)

    def prepare(self) -> None:
        """Load what the form is about (and refuse what the reader may not change) before building it."""

    def get_form(self, data=None):
        raise NotImplementedError

    def context(self) -> dict:
        return {}

    def render_form(self, form, status=200):
        context = {"pathway": self.pathway, "assessment": self.assessment, "form": form, **self.context()}
        context.update(getattr(self, "extra", {}))
        return render(self.request, self.template_name, context, status=status)

    def success(self):
        return HttpResponseRedirect(_detail_url(self.pathway, self.assessment))

    def failure(self, form):
        return self.render_form(form, status=422)


class SectionAddView(FormPageView):
    permission_action = policy.CONTRIBUTE
    template_name = "assessments/section_form.html"

    @property
    def success_message(self):
        return _("Your section was saved.")

    def get_form(self, data=None):
        initial = {}
        area = self.request.GET.get("omraade")
        if area:
            initial["area"] = area
        return forms.SectionForm(data, pathway=self.pathway, assessment=self.assessment, initial=initial)

    def context(self):
        return {"section": None, "own_place": services.own_place(self.request.user, self.pathway)}

    def perform(self, form):
        data = form.cleaned_data
        services.section_create(
            actor=self.request.user,
            assessment=self.assessment,
            area=data["area"],
            strengths=data["strengths"],
            concerns=data["concerns"],
            level=data.get("level", ""),
            internal_note=data["internal_note"],
        )


class SectionEditView(FormPageView):
    """The author changes their own section. Anyone else on the team sees it read-only, and a post of theirs is
    refused by the service (422, nothing saved): nobody edits another professional's section."""

    permission_action = policy.CONTRIBUTE
    template_name = "assessments/section_form.html"

    @property
    def success_message(self):
        return _("Your section was saved.")

    def prepare(self):
        self.section = get_object_or_404(
            AssessmentSection.objects.filter(assessment=self.assessment).select_related("author__user"),
            public_id=self.kwargs["section_id"],
        )
        self.section.assessment = self.assessment

    def get_form(self, data=None):
        return forms.SectionForm(data, pathway=self.pathway, assessment=self.assessment, section=self.section)

    def context(self):
        return {"section": self.section, "is_author": self.section.author.user_id == self.request.user.pk}

    def perform(self, form):
        data = form.cleaned_data
        services.section_update(
            actor=self.request.user,
            section=self.section,
            expected_version=data["version"],
            strengths=data["strengths"],
            concerns=data["concerns"],
            level=data.get("level", ""),
            internal_note=data["internal_note"],
        )

    def conflict(self, form, error):
        saved = AssessmentSection.objects.get(pk=self.section.pk)
        form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
        self.extra = {"saved_section": saved}
        return self.failure(form)


class FindingEditView(FormPageView):
    permission_action = policy.MANAGE
    template_name = "assessments/finding_form.html"

    @property
    def success_message(self):
        return _("The finding was saved.")

    def prepare(self):
        self.finding = get_object_or_404(
            Finding.objects.filter(assessment=self.assessment).select_related("member"),
            public_id=self.kwargs["finding_id"],
        )
        self.finding.assessment = self.assessment

    def get_form(self, data=None):
        return forms.FindingForm(data, pathway=self.pathway, assessment=self.assessment, finding=self.finding)

    def context(self):
        return {"finding": self.finding}

    def perform(self, form):
        data = form.cleaned_data
        services.finding_update(
            actor=self.request.user,
            finding=self.finding,
            expected_version=data["version"],
            area=data["area"],
            kind=data["kind"],
            text=data["text"],
            member_id=data.get("member") or None,
        )

    def conflict(self, form, error):
        saved = Finding.objects.select_related("member").get(pk=self.finding.pk)
        saved.assessment = self.assessment
        form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
        self.extra = {"saved_finding": saved}
        return self.failure(form)


class CompileView(FormPageView):
    """The coordinator writes the combined assessment and freezes the next version of the report."""

    permission_action = policy.MANAGE
    template_name = "assessments/compile.html"

    @property
    def success_message(self):
        number = {"number": self.report.number}
        if self.report.unchanged and self.report.approved_at is not None:
            return (
                _(
                    "Nothing has changed since version %(number)s of the report, which is approved: the assessment "
                    "is approved again as that version. No new version was made."
                )
                % number
            )
        if self.report.unchanged:
            return (
                _(
                    "Nothing has changed since version %(number)s of the report: the assessment is compiled again "
                    "as that version. No new version was made."
                )
                % number
            )
        return _("The combined report was compiled as version %(number)s. Approve it when the team agrees.") % number

    def get_form(self, data=None):
        initial = {"summary": self.assessment.summary, "version": self.assessment.version}
        return forms.CompileForm(data, pathway=self.pathway, initial=initial)

    def context(self):
        return {
            "page": selectors.assessment_page(actor=self.request.user, pathway=self.pathway, assessment=self.assessment)
        }

    def perform(self, form):
        self.report = services.assessment_compile(
            actor=self.request.user,
            assessment=self.assessment,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"],
        )

    def success(self):
        return HttpResponseRedirect(
            reverse("assessments:report", args=[self.pathway.public_id, self.assessment.public_id, self.report.number])
        )

    def conflict(self, form, error):
        saved = self.get_assessment()
        form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
        return self.failure(form)


# --- the combined report ------------------------------------------------------------------------------------------


class ReportMixin(AssessmentMixin):
    access_shown = "assessment.report"

    def get_report(self):
        self.assessment = self.get_assessment()
        return selectors.report_get(self.assessment, self.kwargs["number"])


def _report_context(request, pathway, assessment, report, form=None) -> dict:
    shows_internal = pathway.access.shows_internal_notes
    latest = assessment.reports.order_by("-number").values_list("number", flat=True).first()
    return {
        "pathway": pathway,
        "assessment": assessment,
        "report": report,
        "labels": selectors.section_labels(assessment.method),
        "content": report.snapshot if shows_internal else citizen_version(report.snapshot),
        "shows_internal_notes": shows_internal,
        "is_latest": report.number == latest,
        "can_approve": _can(pathway, policy.MANAGE)
        and report.approved_at is None
        and report.number == latest
        and assessment.status == AssessmentStatus.COMPILED,
        "form": form,
    }


class ReportView(ReportMixin, View):
    """A version of the combined report: the professional edition (internal notes for the coordinator and covered
    team places only, like the plan's case file)."""

    permission_action = policy.VIEW

    def get(self, request, pathway_id, assessment_id, number):
        report = self.get_report()
        return render(
            request, "assessments/report.html", _report_context(request, self.pathway, self.assessment, report)
        )


class ReportApproveView(ReportMixin, PathwayWriteView):
    permission_action = policy.MANAGE

    @property
    def success_message(self):
        return _("Version %(number)s of the report was approved. The family can now see it in the portal.") % {
            "number": self.report.number
        }

    def bound_form(self):
        self.report = self.get_report()
        return forms.ConfirmForm(self.request.POST, pathway=self.pathway)

    def perform(self, form):
        services.report_approve(actor=self.request.user, report=self.report)

    def success(self):
        return HttpResponseRedirect(
            reverse("assessments:report", args=[self.pathway.public_id, self.assessment.public_id, self.report.number])
        )

    def failure(self, form):
        report = selectors.report_get(self.assessment, self.kwargs["number"])  # as saved now
        context = _report_context(self.request, self.pathway, self.assessment, report, form)
        return render(self.request, "assessments/report.html", context, status=422)


class ReportPdfView(ReportMixin, View):
    """`?udgave=borger` (the citizen edition, the default) or `?udgave=sag` (the case file, with internal notes: for
    the coordinator and covered team places; 403 otherwise). The access log names the edition."""

    permission_action = policy.VIEW
    edition = CITIZEN

    def access_read(self):
        shown = "assessment.pdf.case_file" if self.edition == CASE_FILE else "assessment.pdf.citizen"
        return shown, self.access_citizens

    def get(self, request, pathway_id, assessment_id, number):
        edition = EDITION_PARAMETER.get(request.GET.get("udgave", "borger"), CITIZEN)
        if edition == CASE_FILE and not self.pathway.access.shows_internal_notes:
            access_denied_record(actor=request.user, path=request.path, pathway=self.pathway)
            raise PermissionDenied
        self.edition = edition
        report = self.get_report()
        report.pathway = self.pathway
        response = HttpResponse(report_pdf(report, edition=edition), content_type="application/pdf")
        # No name and no CPR number in the file name.
        kind = "sagsudgave" if edition == CASE_FILE else "borgerudgave"
        filename = f"udredning-{self.assessment.number}-v{report.number}-{kind}-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- compare ------------------------------------------------------------------------------------------------------


class CompareView(AssessmentMixin, View):
    """The assessment against its earlier one (`previous`), or another of the same method (`?med=<id>`), area by
    area."""

    permission_action = policy.VIEW
    access_shown = "assessment.compare"

    def get(self, request, pathway_id, assessment_id):
        assessment = self.get_assessment()
        candidates = list(
            Assessment.objects.filter(pathway=self.pathway, method=assessment.method)
            .exclude(pk=assessment.pk)
            .select_related("subject")
            .order_by("-number")
        )
        other = assessment.previous
        chosen = _uuid_list(request.GET.get("med", ""))
        if chosen:
            other = next((a for a in candidates if a.public_id == chosen[0]), other)
        context = {
            "pathway": self.pathway,
            "assessment": assessment,
            "other": other,
            "candidates": candidates,
            "labels": selectors.section_labels(assessment.method),
        }
        if other is not None:
            earlier, later = (other, assessment) if other.number < assessment.number else (assessment, other)
            context.update(
                earlier=earlier,
                later=later,
                groups=selectors.compare_snapshots(
                    selectors.compare_content(earlier), selectors.compare_content(later)
                ),
            )
        return render(request, "assessments/compare.html", context)
