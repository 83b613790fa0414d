"""The outside experts' pages: the analysis meetings they are invited to, and one meeting with what it needs.

Staff experts use `/analysemoeder/` (`meeting_experts`), external experts, with a partner account, `/partner/
analysemoeder/` (`partner_experts`); both show the same content. Every page resolves the meeting through the one rule
(`meetings.experts`: 404 and a logged refusal unless the invitation is in force) before any handler runs, and after
the handler every response that shows data writes one access-log row per citizen shown: purpose coordination, what was
shown "analysis meeting expert" (`expert.meetings`, `expert.meeting`), basis "time-limited grant" for staff and
"invited partner" for external experts. A view sets `access_shown` and never logs itself.

Read only: there is no form here. After the meeting has ended, the meeting is cancelled or the coordinator has ended
the invitation, the meeting's page answers 404 and the list no longer names it.
"""

from django.shortcuts import render
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.services import access_record_each
from samspil.meetings import experts
from samspil.meetings.selectors_experts import expert_list_citizens, expert_meeting_page
from samspil.partners.views import PartnerMixin
from samspil.pathways.views import shows_pathway


class StaffExpertMixin(RoleRequiredMixin):
    """A staff expert's page: staff accounts only (404, logged, for anyone else); the reads logged by construction."""

    role_check = staticmethod(policy.is_municipal_staff)
    access_shown: str = None

    def dispatch(self, request, *args, **kwargs):
        self.reads = []
        response = super().dispatch(request, *args, **kwargs)
        if request.method not in ("HEAD", "OPTIONS") and shows_pathway(response) and self.reads:
            access_record_each(
                actor=request.user,
                reads=self.reads,
                shown=self.access_shown,
                purpose=AccessPurpose.COORDINATION,
                via=AccessVia.GRANT,
            )
        return response


class ExpertMeetingsView(StaffExpertMixin, View):
    """`/analysemoeder/`: the analysis meetings the staff member is invited to as an outside expert, now."""

    access_shown = "expert.meetings"

    def get(self, request):
        invitations = list(experts.staff_experts(request.user))
        self.reads = expert_list_citizens(invitations)
        return render(request, "meetings/experts/list.html", {"invitations": invitations, "partner": False})


class ExpertMeetingView(StaffExpertMixin, View):
    """`/analysemoeder/<meeting>/`: one meeting, the latest combined report and the plan's goals, read only."""

    access_shown = "expert.meeting"

    def prepare(self, request, **kwargs):
        self.access = experts.staff_expert_get(
            user=request.user, meeting_public_id=kwargs["meeting_id"], path=request.path
        )

    def get(self, request, meeting_id):
        page = expert_meeting_page(self.access)
        self.reads = [(citizen, page.pathway) for citizen in page.citizens]
        return render(request, "meetings/experts/meeting.html", {"page": page, "partner": False})


class PartnerExpertMeetingsView(PartnerMixin, View):
    """`/partner/analysemoeder/`: the analysis meetings the partner account is invited to as an outside expert."""

    access_shown = "expert.meetings"

    def get(self, request):
        self.invitations = list(experts.partner_experts(request.user))
        return render(request, "meetings/experts/list.html", {"invitations": self.invitations, "partner": True})

    def shown_reads(self):
        return expert_list_citizens(self.invitations)


class PartnerExpertMeetingView(PartnerMixin, View):
    """`/partner/analysemoeder/<meeting>/`: the same page as a staff expert's."""

    access_shown = "expert.meeting"

    def dispatch(self, request, *args, **kwargs):
        from samspil.portal.access import partner_contact_id

        self.page = None
        if request.user.is_authenticated and partner_contact_id(request.user) is not None:
            self.access = experts.partner_expert_get(
                user=request.user, meeting_public_id=kwargs["meeting_id"], path=request.path
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, meeting_id):
        self.page = expert_meeting_page(self.access)
        return render(request, "meetings/experts/meeting.html", {"page": self.page, "partner": True})

    def shown_reads(self):
        return [(citizen, self.page.pathway) for citizen in self.page.citizens] if self.page else []
