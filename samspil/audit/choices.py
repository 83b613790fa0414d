from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessVia(models.TextChoices):
    SCOPE = "scope", _("Coordinator or team")
    GRANT = "grant", _("Time-limited grant")
    BREAK_GLASS = "break_glass", _("Break-glass")
    INTAKE = "intake", _("Intake search")


class AccessPurpose(models.TextChoices):
    COORDINATION = "coordination", _("Coordination of the pathway")
    INTAKE = "intake", _("Intake: finding the citizen before registering or opening a pathway")
    ACCESS_REVIEW = "access_review", _("Review of who has looked up the citizen")
    SEGMENTATION = "segmentation", _("Finding the citizens who need a coordinated pathway")


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
}
