"""The joint assessment in the portal (`/borger/forloeb/<id>/udredning/`): the family reads the latest approved
combined report in its citizen version and downloads it as a PDF.

Both pages resolve the pathway through `portal.views_base.PortalPathwayMixin` (the one portal access rule; 404 and a
logged refusal for anyone else) and are logged by it: one access-log row per citizen of the pathway, purpose
`portal`. Only approved reports of assessments about the reader or a minor in their custody are shown
(`assessments.selectors.approved_reports_for_reader`), only their citizen
version (`assessments.snapshot.citizen_version`: no internal notes; analysis-meeting minutes never enter a report).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from samspil.assessments.pdf import CITIZEN, report_pdf
from samspil.assessments.selectors import approved_reports_for_reader, section_labels
from samspil.portal.selectors import assessment_for_citizen
from samspil.portal.views_base import PortalPathwayMixin


class PortalAssessmentView(PortalPathwayMixin, View):
    """The latest approved combined report of each assessment the reader may read (about themselves or a minor in
    their custody), the citizen version; before one is approved, a page that says so."""

    access_shown = "portal.assessment"

    def get(self, request, pathway_id):
        assessments = assessment_for_citizen(pathway=self.pathway, person=self.pathway.portal_access.person)
        for assessment in assessments:
            assessment.labels = section_labels(assessment.content.get("method", ""))
        return render(
            request, "assessments/portal_assessment.html", {"pathway": self.pathway, "assessments": assessments}
        )


class PortalAssessmentPdfView(PortalPathwayMixin, View):
    """One of those reports as a PDF, the citizen edition (`assessments.pdf.report_pdf`): `?udredning=<the
    assessment's public id>`, by default the newest; 404 before one is approved or for an assessment not the
    reader's."""

    access_shown = "portal.assessment"

    def get(self, request, pathway_id):
        reports = approved_reports_for_reader(self.pathway, self.pathway.portal_access.person, timezone.localdate())
        chosen = request.GET.get("udredning", "")
        report = next((r for r in reports if str(r.assessment.public_id) == chosen), None) if chosen else None
        report = report or (None if chosen else next(iter(reports), None))
        if report is None:
            raise Http404
        report.pathway = self.pathway
        response = HttpResponse(report_pdf(report, edition=CITIZEN), content_type="application/pdf")
        # No name and no CPR number in the file name: it ends up in download folders and mail attachments.
        number = report.assessment.number
        filename = f"udredning-{number}-v{report.number}-borgerudgave-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
