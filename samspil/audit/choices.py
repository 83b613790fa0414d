from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessVia(models.TextChoices):
    SCOPE = "scope", _("Coordinator or team")
    GRANT = "grant", _("Time-limited grant")
    BREAK_GLASS = "break_glass", _("Break-glass")
    INTAKE = "intake", _("Intake search")
    OWN = "own", _("The citizen's own access (portal)")
    CUSTODY = "custody", _("Custody holder (portal)")
    PARTNER = "partner", _("Invited partner")


class AccessPurpose(models.TextChoices):
    COORDINATION = "coordination", _("Coordination of the pathway")
    INTAKE = "intake", _("Intake: finding the citizen before registering or opening a pathway")
    ACCESS_REVIEW = "access_review", _("Review of who has looked up the citizen")
    SEGMENTATION = "segmentation", _("Finding the citizens who need a coordinated pathway")
    PORTAL = "portal", _("The citizen's or custody holder's own use of the portal")
    DATA_REQUEST = "data_request", _("The citizen's request for their data (GDPR art. 15)")


# What an access-log row says was shown, by the code the selectors write.
SHOWN_LABELS = {
    "pathway.overview": _("Pathway overview"),
    "pathway.list": _("My pathways (list)"),
    "pathway.worklist": _("Worklist"),
    "pathway.tasks": _("My tasks (the task list)"),
    "pathway.access_log": _("Access log of the pathway"),
    "citizen.search": _("Search result"),
    "citizen.intake": _("Opening a pathway"),
    "citizen.cpr": _("CPR number in full"),
    "api.pathway": _("Pathway through the API"),
    "plan": _("The shared plan"),
    "plan.revisions": _("Versions of the shared plan"),
    "plan.compare": _("Comparison of two versions of the shared plan"),
    "plan.pdf": _("The shared plan as a PDF"),
    "plan.pdf.citizen": _("The shared plan as a PDF, the citizen's edition"),
    "plan.pdf.case_file": _("The shared plan as a PDF, the case-file edition with internal notes"),
    "pathway.form": _("A form of the pathway (the citizen's name and the people it offers)"),
    "meetings": _("Meetings of the pathway"),
    "meeting": _("A meeting: participants, checklist, minutes and decisions"),
    "segmentation.candidates": _("Candidate list (imported service consumption)"),
    "segmentation.candidate": _("A candidate's imported service consumption"),
    "referral.list": _("Referrals to the coordinator (list)"),
    "referral": _("A referral from segmentation"),
    "referral.cpr": _("A referred person's CPR number in full"),
    "economy": _("Costs and financing of the pathway"),
    "economy.review": _("A controller's review: the pathway's interventions, costs and financing, no case content"),
    # The joint assessment (samspil.assessments), staff side.
    "assessments": _("Joint assessments of the pathway (list)"),
    "assessment": _("A joint assessment: the family's view, investigations, sections and findings"),
    "assessment.report": _("A version of the combined report of a joint assessment"),
    "assessment.compare": _("Comparison of a joint assessment with an earlier one"),
    "assessment.pdf.citizen": _("The combined report of a joint assessment as a PDF, the citizen's edition"),
    "assessment.pdf.case_file": _(
        "The combined report of a joint assessment as a PDF, the case-file edition with internal notes"
    ),
    "results.status": _("Where the citizen stands: the status history (education, work, housing, placement)"),
    "api.status": _("Where the citizen stands, through the API"),
    "results.caseload": _("Results of the own caseload (list): status at start and now, meetings, goals"),
    # The portal (`/borger/`): what the citizen or a custody holder was shown.
    "portal.home": _("Portal: the list of pathways"),
    "portal.pathway": _("Portal: the pathway (coordinator, team, meetings)"),
    "portal.plan": _("Portal: the plan, the citizen's version"),
    "portal.revisions": _("Portal: versions of the plan"),
    "portal.consent": _("Portal: consents"),
    "portal.insight": _("Portal: who has looked at the data"),
    "portal.export": _("Portal: all data as a download (GDPR art. 15)"),
    "portal.documents": _("Portal: shared documents"),
    "portal.messages": _("Portal: messages with the coordinator"),
    "portal.meeting": _("Portal: a meeting invitation"),
    "portal.assessment": _("Portal: the joint assessment's combined report, the citizen's version"),
    # Shared documents and messages, staff side.
    "documents": _("Shared documents of the pathway"),
    "document": _("A shared document (download)"),
    "messages": _("Messages with the citizen"),
    # Partners (`/partner/`).
    "partner.home": _("Partner: the pathways invited to"),
    "partner.pathway": _("Partner: a pathway invited to"),
    "partner.plan": _("Partner: the plan, the citizen's version"),
    "partner.meeting": _("Partner: a meeting invitation (.ics)"),
    # Outside experts at an analysis meeting (`meetings.views_experts`): staff and partner accounts alike.
    "expert.meetings": _("Analysis meeting expert: the meetings invited to (list)"),
    "expert.meeting": _(
        "Analysis meeting expert: the meeting, the latest combined assessment report and the plan's goals, without "
        "internal notes"
    ),
    # Baseline and follow-up (`samspil.evaluation`).
    "evaluation": _("Measurement rounds of the pathway: WHO-5 answers, assessments and interviews"),
    "evaluation.form": _("A form of a measurement round (WHO-5, the pathway's quality, an interview)"),
    "evaluation.interview_file": _("A file of a citizen interview (download)"),
    "portal.who5": _("Portal: the WHO-5 questionnaire"),
    "outreach.registrations": _("Drop-in centres: registered conversations (list)"),
    "outreach.registration": _("Drop-in centres: one registered conversation"),
    "outreach.person": _("Drop-in centres: a person known at the centre and their conversations"),
    "outreach.person_search": _("Drop-in centres: names of persons known at the centre, found while registering"),
    "outreach.appointments": _("Drop-in centres: appointments and their outcome (list)"),
    "outreach.activity": _("Drop-in centres: a group activity's named participants"),
    "coreteam.caseload": _("Core team: the families in the caseload (list)"),
    "coreteam.meeting": _("Core team: a caseload status meeting (the families with a change and the decisions)"),
    "coreteam.form": _("Core team: the families one coordinates, offered for the caseload (a form's list)"),
}
