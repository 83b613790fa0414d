"""The joint assessment in the portal (`/borger/forloeb/<id>/udredning/`): the family reads the latest approved
combined report in its citizen version and downloads it as a PDF.

Both pages resolve the pathway through `portal.views_base.PortalPathwayMixin` (the one portal access rule; 404 and a
logged refusal for anyone else) and are logged by it: one access-log row per citizen of the pathway, purpose
`portal`. Only an approved report is shown (`assessments.selectors.latest_approved_report`), only its citizen
version (`assessments.snapshot.citizen_version`: no internal notes; analysis-meeting minutes never enter a report).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from samspil.assessments.pdf import CITIZEN, report_pdf
from samspil.assessments.selectors import latest_approved_report, section_labels
from samspil.portal.selectors import assessment_for_citizen
from samspil.portal.views_base import PortalPathwayMixin


class PortalAssessmentView(PortalPathwayMixin, View):
    """The latest approved combined report, the citizen version; before one is approved, a page that says so."""

    access_shown = "portal.assessment"

    def get(self, request, pathway_id):
        assessment = assessment_for_citizen(pathway=self.pathway)
        context = {"pathway": self.pathway, "assessment": assessment}
        if assessment is not None:
            context["labels"] = section_labels(assessment.content.get("method", ""))
        return render(request, "assessments/portal_assessment.html", context)


class PortalAssessmentPdfView(PortalPathwayMixin, View):
    """The latest approved combined report as a PDF, the citizen edition (`assessments.pdf.report_pdf`); 404 before
    one is approved."""

    access_shown = "portal.assessment"

    def get(self, request, pathway_id):
        report = latest_approved_report(self.pathway)
        if report is None:
            raise Http404
        report.pathway = self.pathway
        response = HttpResponse(report_pdf(report, edition=CITIZEN), content_type="application/pdf")
        # No name and no CPR number in the file name: it ends up in download folders and mail attachments.
        number = report.assessment.number
        filename = f"udredning-{number}-v{report.number}-borgerudgave-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
