"""The access-log page of a pathway: its filters, its keyset pages, and refused attempts said in words.

The reads are in `selectors.pathway_access_log` and `selectors.pathway_denials`; this module holds what they and
the page share:

- `AccessLogFilterForm` reads the GET parameters (`person`, `fra`, `til`, `vist`, `formaal`, `adgang`, `efter`),
  so bad input is a message on the page, never a 500.
- Pages are keyset pages, newest first, ordered by `(created_at, id)` descending, without `COUNT(*)`. The cursor
  (`efter`) is opaque: base64url of "<moment of the last row shown>|<how many rows at exactly that moment were
  shown>", so the next page starts right after it even when several rows share a moment, and no database id
  leaves the server.
- `attempt_description` turns the path stored with an `access.denied` event into what the person tried to do
  ("Forsøgte at åbne samtykkeformularen"), from the URL's name; a path it does not know is shown as it is.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia
from samspil.core.forms import DanishDateField, DkfdsFormMixin


@dataclass(frozen=True)
class Cursor:
    moment: datetime.datetime
    seen_at_moment: int  # rows at exactly `moment` already shown

    def encode(self) -> str:
        raw = f"{self.moment.isoformat()}|{self.seen_at_moment}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        """The cursor, or ValueError for anything that is not one this page made."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            moment_text, seen_text = raw.split("|")
            moment, seen = datetime.datetime.fromisoformat(moment_text), int(seen_text)
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise ValueError("not a cursor") from error
        if timezone.is_naive(moment) or seen < 0:
            raise ValueError("not a cursor")
        try:
            moment.astimezone(datetime.UTC)  # as the database is given it
        except OverflowError as error:
            raise ValueError("not a cursor") from error
        return cls(moment=moment, seen_at_moment=seen)


@dataclass
class AccessLogFilters:
    person: str = ""  # the reader's public id
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    shown: str = ""
    purpose: str = ""
    via: str = ""
    after: Cursor | None = None

    @property
    def narrowed(self) -> bool:
        return any((self.person, self.date_from, self.date_to, self.shown, self.purpose, self.via))

    def query(self, *, after: str = "") -> str:
        """The filters as the page's query string (empty ones left out), optionally from the cursor `after`."""
        values = {
            "person": self.person,
            "fra": self.date_from.strftime("%d.%m.%Y") if self.date_from else "",
            "til": self.date_to.strftime("%d.%m.%Y") if self.date_to else "",
            "vist": self.shown,
            "formaal": self.purpose,
            "adgang": self.via,
            "efter": after,
        }
        return urlencode({name: value for name, value in values.items() if value})


@dataclass
class AccessLogPage:
    entries: list
    filters: AccessLogFilters = field(default_factory=AccessLogFilters)
    next_cursor: str = ""  # empty on the last page

    @property
    def newest_query(self) -> str:
        return self.filters.query()

    @property
    def next_query(self) -> str:
        return self.filters.query(after=self.next_cursor) if self.next_cursor else ""


NOT_AN_OPTION = {"invalid_choice": _("Choose one of the options in the list.")}


class AccessLogFilterForm(DkfdsFormMixin, forms.Form):
    """The filters of the access log, from the query string. `people` are (public id, name) of those who read."""

    person = forms.ChoiceField(label=_("Who looked"), required=False, error_messages=NOT_AN_OPTION)
    fra = DanishDateField(label=_("From"), required=False)
    til = DanishDateField(label=_("To"), required=False)
    vist = forms.ChoiceField(label=_("What was shown"), required=False, error_messages=NOT_AN_OPTION)
    formaal = forms.ChoiceField(label=_("Purpose"), required=False, error_messages=NOT_AN_OPTION)
    adgang = forms.ChoiceField(label=_("Access basis"), required=False, error_messages=NOT_AN_OPTION)
    efter = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, people=(), **kwargs):
        super().__init__(data, **kwargs)
        everyone = [("", _("All"))]
        self.fields["person"].choices = everyone + [(str(public_id), name) for public_id, name in people]
        shown = sorted(((code, str(label)) for code, label in SHOWN_LABELS.items()), key=lambda item: item[1])
        self.fields["vist"].choices = everyone + shown
        self.fields["formaal"].choices = everyone + list(AccessPurpose.choices)
        self.fields["adgang"].choices = everyone + list(AccessVia.choices)

    def clean(self):
        cleaned = super().clean()
        cursor = (cleaned.get("efter") or "").strip()
        try:
            cleaned["efter"] = Cursor.decode(cursor) if cursor else None
        except ValueError:
            # Not a field anyone fills in: said above the form, not beside a hidden input.
            self.add_error(None, _("The link to the next page is not valid. Start again from the newest entries."))
        start, end = cleaned.get("fra"), cleaned.get("til")
        if start and end and start > end:
            self.add_error("til", _("The to date is before the from date."))
        return cleaned

    def filters(self) -> AccessLogFilters:
        data = self.cleaned_data
        return AccessLogFilters(
            person=data["person"],
            date_from=data["fra"],
            date_to=data["til"],
            shown=data["vist"],
            purpose=data["formaal"],
            via=data["adgang"],
            after=data["efter"],
        )


# What a refused request tried to do, by the name of the URL it asked for.
ATTEMPTS = {
    "pathways:overview": _("Tried to open the pathway overview"),
    "pathways:access_log": _("Tried to open the access log"),
    "pathways:status": _("Tried to change the status of the pathway"),
    "pathways:coordinator_change": _("Tried to hand over coordination"),
    "pathways:consent_add": _("Tried to open the consent form"),
    "pathways:consent_withdraw": _("Tried to withdraw a consent"),
    "pathways:legal_basis_add": _("Tried to record a legal basis"),
    "pathways:grant_add": _("Tried to give someone access to the pathway"),
    "pathways:grant_revoke": _("Tried to revoke someone's access"),
    "pathways:guardian_add": _("Tried to register a custody holder"),
    "pathways:household_add": _("Tried to add a member to the family"),
    "pathways:household_end": _("Tried to end a membership of the family"),
    "pathways:team_add_staff": _("Tried to add a staff member to the team"),
    "pathways:team_add_external": _("Tried to add an external partner to the team"),
    "pathways:team_add_network": _("Tried to add someone from the citizen's network to the team"),
    "pathways:team_end": _("Tried to end a place on the team"),
    "pathways:partner_invite": _("Tried to invite an external partner to Samspil"),
    "pathways:partner_access_end": _("Tried to end an external partner's access to Samspil"),
    "partners:pathway": _("Tried to open the pathway as an invited partner"),
    "partners:plan": _("Tried to open the plan as an invited partner"),
    "partners:plan_pdf": _("Tried to download the plan as an invited partner"),
    "partners:agreement_done": _("Tried to mark an agreement done as an invited partner"),
    "partners:meeting_ics": _("Tried to download a meeting invitation as an invited partner"),
    "pathways:cpr_reveal": _("Tried to see a CPR number in full"),
    "pathways:break_glass": _("Tried to open the pathway with break-glass access"),
    "pathways:portal_right": _("Tried to change who may use the pathway in the portal"),
    "plans:plan": _("Tried to open the shared plan"),
    "plans:wishes": _("Tried to change the citizen's wishes in the plan"),
    "plans:goal": _("Tried to open a goal in the plan"),
    "plans:goal_add": _("Tried to add a goal to the plan"),
    "plans:goal_update": _("Tried to change a goal in the plan"),
    "plans:goal_follow_up": _("Tried to follow up on a goal"),
    "plans:agreement_add": _("Tried to add an agreement to the plan"),
    "plans:agreement_status": _("Tried to change the status of an agreement"),
    "plans:revisions": _("Tried to open the versions of the plan"),
    "plans:compare": _("Tried to compare two versions of the plan"),
    "plans:revision_response": _("Tried to record the citizen's response to a version of the plan"),
    "plans:pdf": _("Tried to download the plan as a PDF"),
    "meetings:list": _("Tried to open the meetings of the pathway"),
    "meetings:schedule": _("Tried to schedule a meeting"),
    "meetings:detail": _("Tried to open a meeting"),
    "meetings:record": _("Tried to record the minutes of a meeting"),
    "meetings:cancel": _("Tried to cancel a meeting"),
    "meetings:invitation": _("Tried to download a meeting invitation"),
    "meetings:decision_add": _("Tried to add a decision to a meeting"),
    "meetings:agreement_add": _("Tried to add an agreement at a meeting"),
    "meetings:follow_up_add": _("Tried to follow up on a goal at a meeting"),
    "meetings:goal_update": _("Tried to change a goal at a meeting"),
    "assessments:list": _("Tried to open the joint assessments of the pathway"),
    "assessments:start": _("Tried to start a joint assessment"),
    "assessments:detail": _("Tried to open a joint assessment"),
    "assessments:study_add": _("Tried to add an investigation to a joint assessment"),
    "assessments:study_done": _("Tried to update an investigation of a joint assessment"),
    "assessments:study_remove": _("Tried to remove an investigation from a joint assessment"),
    "assessments:family_view": _("Tried to record the family's own view in a joint assessment"),
    "assessments:section_add": _("Tried to write a section of a joint assessment"),
    "assessments:section_edit": _("Tried to open or change a section of a joint assessment"),
    "assessments:finding_add": _("Tried to add a finding to a joint assessment"),
    "assessments:finding_edit": _("Tried to change a finding of a joint assessment"),
    "assessments:finding_remove": _("Tried to remove a finding of a joint assessment"),
    "assessments:compile": _("Tried to compile the combined report of a joint assessment"),
    "assessments:report": _("Tried to open the combined report of a joint assessment"),
    "assessments:approve": _("Tried to approve the combined report of a joint assessment"),
    "assessments:pdf": _("Tried to download the combined report of a joint assessment as a PDF"),
    "assessments:compare": _("Tried to compare joint assessments"),
    "meetings:expert_invite": _("Tried to invite an outside expert to an analysis meeting"),
    "meetings:expert_end": _("Tried to end an outside expert's access to an analysis meeting"),
    "meeting_experts:meeting": _("Tried to open an analysis meeting as an outside expert"),
    "partner_experts:meeting": _("Tried to open an analysis meeting as an outside expert"),
    "pathway_economy:page": _("Tried to open the costs and financing of the pathway"),
    "pathway_economy:intervention_add": _("Tried to grant an intervention"),
    "pathway_economy:intervention_end": _("Tried to end an intervention"),
    "pathway_economy:financing_decide": _("Tried to decide the financing of an intervention"),
    "pathway_economy:exemption_add": _("Tried to register the use of an exemption"),
    "pathway_economy:review_request": _("Tried to ask a controller to review the financing"),
    "pathway_economy:review_withdraw": _("Tried to withdraw a request for a controller's review of the financing"),
    "documents:list": _("Tried to open the shared documents"),
    "documents:upload": _("Tried to share a document"),
    "documents:download": _("Tried to download a shared document"),
    "documents:remove": _("Tried to remove a shared document"),
    "documents:messages": _("Tried to read the messages with the citizen"),
    "documents:message_send": _("Tried to write a message to the citizen"),
    "api:pathway": _("Tried to read the pathway through the API"),
    "implementation_pathway:pilot": _("Tried to mark the pathway as a pilot case"),
    "api:status_entries": _("Tried to read or record where the citizen stands through the API"),
    "results:history": _("Tried to open where the citizen stands (the status history)"),
    "results:record": _("Tried to record where the citizen stands"),
    "results:record_at_meeting": _("Tried to record where the citizen stands at a meeting"),
    "results:target_group": _("Tried to set the target group of the pathway"),
    "pathway_evaluation:page": _("Tried to open the pathway's measurement rounds"),
    "pathway_evaluation:who5": _("Tried to record WHO-5 with the citizen"),
    "pathway_evaluation:quality": _("Tried to assess the quality of the pathway"),
    "pathway_evaluation:interview": _("Tried to record an interview with the citizen"),
    "pathway_evaluation:interview_file": _("Tried to download a file of a citizen interview"),
    # A citizen or custody holder the portal's rules keep out (portal.access).
    "portal:pathway": _("In the portal: tried to open the pathway"),
    "portal:meeting_ics": _("In the portal: tried to download a meeting invitation"),
    "portal:plan": _("In the portal: tried to open the plan"),
    "portal:plan_wishes": _("In the portal: tried to write the wishes in the plan"),
    "portal:goal_comment": _("In the portal: tried to comment on a goal"),
    "portal:agreement_done": _("In the portal: tried to mark an agreement as done"),
    "portal:revisions": _("In the portal: tried to open the versions of the plan"),
    "portal:revision": _("In the portal: tried to open or answer a version of the plan"),
    "portal:consent": _("In the portal: tried to open or give consent"),
    "portal:consent_withdraw": _("In the portal: tried to withdraw a consent"),
    "portal:insight": _("In the portal: tried to see who has looked at the data"),
    "portal:export_pdf": _("In the portal: tried to download all data as PDF"),
    "portal:export_json": _("In the portal: tried to download all data as JSON"),
    "portal:who5": _("In the portal: tried to open or answer WHO-5"),
    "portal:documents": _("In the portal: tried to open the shared documents"),
    "portal:document_upload": _("In the portal: tried to share a document"),
    "portal:document_download": _("In the portal: tried to download a shared document"),
    "portal:messages": _("In the portal: tried to read or write messages"),
    "portal:assessment": _("In the portal: tried to open the joint assessment"),
    "portal:assessment_pdf": _("In the portal: tried to download the joint assessment as PDF"),
}


def attempt_description(path: str) -> str:
    """What a refused request for `path` tried to do, in words; the path itself when the page is unknown."""
    if not path:
        return str(_("Tried to open a page of the pathway"))
    try:
        match = resolve(path)
    except Resolver404:
        return path
    label = ATTEMPTS.get(match.view_name)
    return str(label) if label is not None else path
