"""Meeting pages of a pathway. Views parse input, call one selector or service, and render.

Scoping is `PathwayMixin`'s: reading needs VIEW on the pathway, writing CONTRIBUTE (coordinator and team).
Writes answer like the overview's: HTMX gets the refreshed `#meeting` partial, a plain form post a redirect,
and invalid input the form with its errors and status 422.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from samspil.access import policy
from samspil.core.forms import form_on_saved_version
from samspil.meetings import forms, ics, selectors, services
from samspil.meetings.choices import MeetingType
from samspil.pathways.views import PathwayMixin, PathwayWriteView
from samspil.plans.models import Goal


def _open_for_work(pathway) -> bool:
    """Scheduling, recording and deciding: the coordinator and covered team places, while the pathway is open."""
    return pathway.access.may_contribute and pathway.is_open


class MeetingListView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "meetings"

    def pathway_annotations(self):
        return selectors.meeting_rules_annotations()

    def get(self, request, pathway_id):
        listing = selectors.meeting_list(actor=request.user, pathway=self.pathway)
        context = {"pathway": self.pathway, "listing": listing, "can_contribute": _open_for_work(self.pathway)}
        return render(request, "meetings/list.html", context)


class MeetingScheduleView(PathwayMixin, View):
    permission_action = policy.CONTRIBUTE
    access_shown = "meetings"

    def render_form(self, form, status=200):
        template = "meetings/_schedule_form.html" if self.request.htmx else "meetings/schedule.html"
        return render(self.request, template, {"pathway": self.pathway, "form": form}, status=status)

    def get(self, request, pathway_id):
        # `?type=transition_18` (the worklist's link to plan a transition meeting) preselects the meeting type.
        initial = {"meeting_type": request.GET["type"]} if request.GET.get("type") in MeetingType.values else {}
        return self.render_form(forms.MeetingScheduleForm(pathway=self.pathway, initial=initial))

    def post(self, request, pathway_id):
        form = forms.MeetingScheduleForm(request.POST, pathway=self.pathway)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(
                    actor=request.user,
                    pathway=self.pathway,
                    meeting_type=data["meeting_type"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    location=data["location"],
                    online_link=data["online_link"],
                    invite_team_member_ids=[member.public_id for member in data["invitees"]],
                    invite_citizen=data["invite_citizen"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting was scheduled."))
                url = reverse("meetings:detail", args=[self.pathway.public_id, meeting.public_id])
                return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
        return self.render_form(form, status=422)


class MeetingMixin(PathwayMixin):
    """A page about one meeting of the pathway: out of the pathway (or missing) is 404."""

    access_shown = "meeting"

    def get_meeting(self):
        return selectors.meeting_get(actor=self.request.user, pathway=self.pathway, public_id=self.kwargs["meeting_id"])


def goal_form_key(goal_public_id) -> str:
    """The key (and prefix) of the form that changes one goal from the meeting page."""
    return f"goal-{goal_public_id}"


def _meeting_context(request, pathway, meeting, bound=None, extra=None):
    page = selectors.meeting_page(actor=request.user, meeting=meeting)
    can_contribute = _open_for_work(pathway) and not meeting.is_cancelled
    context = {
        "pathway": pathway,
        "meeting": meeting,
        "page": page,
        "can_contribute": can_contribute,
        "forms": {},
        "open_form": "",
        "goals": [],
    }
    if can_contribute:
        goals = selectors.meeting_plan_goals(pathway)
        context["forms"] = {
            "record": forms.MeetingRecordForm(
                pathway=pathway,
                meeting=meeting,
                participants=page.participants,
                checklist=page.checklist,
                prefix="record",
            ),
            "decision": forms.MeetingDecisionForm(pathway=pathway, prefix="decision"),
            "agreement": forms.MeetingAgreementForm(pathway=pathway, prefix="agreement"),
            "cancel": forms.MeetingCancelForm(pathway=pathway, prefix="cancel", initial={"version": meeting.version}),
            "follow_up": forms.MeetingFollowUpForm(pathway=pathway, meeting=meeting, goals=goals, prefix="follow_up"),
            **{
                goal_form_key(goal.public_id): forms.MeetingGoalForm(
                    pathway=pathway, goal=goal, prefix=goal_form_key(goal.public_id)
                )
                for goal in goals
            },
        }
        context["goals"] = goals
    if not meeting.includes_citizen:  # an analysis meeting: its outside experts (`services_experts`)
        from samspil.meetings.selectors_experts import meeting_experts

        # The experts' reads come from the access log, which is the coordinator's only (the access model).
        context["experts"] = meeting_experts(meeting, with_reads=pathway.access.is_coordinator)
        context["can_manage_experts"] = pathway.access.is_coordinator and pathway.is_open
        context["can_invite_experts"] = (
            context["can_manage_experts"] and meeting.is_planned and meeting.ends_at > timezone.now()
        )
    for key, form in (bound or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    context.update(extra or {})
    return context


class MeetingDetailView(MeetingMixin, View):
    permission_action = policy.VIEW

    def get(self, request, pathway_id, meeting_id):
        meeting = self.get_meeting()
        return render(request, "meetings/meeting.html", _meeting_context(request, self.pathway, meeting))


class MeetingActionView(MeetingMixin, PathwayWriteView):
    """A write on the meeting page. Success: the refreshed meeting (HTMX) or a redirect; invalid input: 422."""

    permission_action = policy.CONTRIBUTE
    form_key = ""

    def get_form(self, meeting):
        raise NotImplementedError

    def bound_form(self):
        self.meeting = self.get_meeting()
        self.extra = {}
        return self.get_form(self.meeting)

    def conflict(self, form, error):
        return self.failure(self.on_conflict(form, error))

    def on_conflict(self, form, error):
        form.add_error(None, error.message)
        return form

    def success(self):
        if self.request.htmx:
            meeting = self.get_meeting()
            return render(self.request, "meetings/_meeting.html", _meeting_context(self.request, self.pathway, meeting))
        return HttpResponseRedirect(
            reverse("meetings:detail", args=[self.pathway.public_id, self.kwargs["meeting_id"]])
        )

    def failure(self, form):
        template = "meetings/_meeting.html" if self.request.htmx else "meetings/meeting.html"
        meeting = self.get_meeting()  # as saved now, e.g. after someone else's change
        context = _meeting_context(self.request, self.pathway, meeting, {self.form_key: form}, self.extra)
        return render(self.request, template, context, status=422)


class MeetingRecordView(MeetingActionView):
    form_key = "record"

    @property
    def success_message(self):
        return _("The meeting was recorded as held.")

    def get_form(self, meeting, data=None):
        page = selectors.MeetingPage(
            meeting=meeting,
            participants=list(meeting.participants.order_by("-is_citizen", "name", "id")),
            checklist=list(meeting.checklist.order_by("position", "id")),
            decisions=[],
        )
        return forms.MeetingRecordForm(
            data if data is not None else self.request.POST,
            pathway=self.pathway,
            meeting=meeting,
            participants=page.participants,
            checklist=page.checklist,
            prefix=self.form_key,
        )

    def perform(self, form):
        meeting = self.meeting
        data = form.cleaned_data
        services.meeting_record(
            actor=self.request.user,
            meeting=meeting,
            minutes=data["minutes"],
            attendance=data["attended"],
            checklist=form.checklist_value(),
            expected_version=data["version"],
        )

    def on_conflict(self, form, error):
        """Keep everything the user typed, show what is saved now, and let them save again on purpose."""
        current = self.get_meeting()
        form = form_on_saved_version(form, saved_version=current.version, message=error.message)
        self.extra = {"conflict": True, "saved_minutes": current.minutes}
        return form


class MeetingCancelView(MeetingActionView):
    form_key = "cancel"

    @property
    def success_message(self):
        return _("The meeting was cancelled.")

    def get_form(self, meeting):
        return forms.MeetingCancelForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        meeting = self.meeting
        services.meeting_cancel(
            actor=self.request.user,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )


class MeetingDecisionView(MeetingActionView):
    form_key = "decision"

    @property
    def success_message(self):
        return _("The decision was recorded.")

    def get_form(self, meeting):
        return forms.MeetingDecisionForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        meeting = self.meeting
        services.meeting_decision_add(actor=self.request.user, meeting=meeting, text=form.cleaned_data["text"])


class MeetingAgreementView(MeetingActionView):
    """A decision that creates an agreement in the shared plan directly from the meeting."""

    form_key = "agreement"

    @property
    def success_message(self):
        return _("The decision was recorded and the agreement added to the plan.")

    def get_form(self, meeting):
        return forms.MeetingAgreementForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        meeting = self.meeting
        data = form.cleaned_data
        services.meeting_decision_agreement_add(
            actor=self.request.user,
            meeting=meeting,
            goal=data["goal"],
            what=data["what"],
            owner_kind=data["owner_kind"],
            owner=data["owner"],
            due_on=data["due_on"],
        )


class MeetingFollowUpView(MeetingActionView):
    """A decision that records a follow-up of a goal in the shared plan, directly from the meeting."""

    form_key = "follow_up"

    @property
    def success_message(self):
        return _("The decision was recorded and the follow-up saved in the plan as a new version.")

    def get_form(self, meeting):
        goals = selectors.meeting_plan_goals(self.pathway)
        return forms.MeetingFollowUpForm(
            self.request.POST, pathway=self.pathway, meeting=meeting, goals=goals, prefix=self.form_key
        )

    def perform(self, form):
        meeting = self.meeting
        data = form.cleaned_data
        services.meeting_decision_follow_up_add(
            actor=self.request.user,
            meeting=meeting,
            goal=form.chosen_goal,
            result=data["result"],
            assessed_on=data["assessed_on"],
            note=data.get("note", ""),
            internal_note=data["internal_note"],
        )


class MeetingGoalUpdateView(MeetingActionView):
    """A decision that changes a goal of the shared plan, directly from the meeting; conflicts as on the plan page."""

    @property
    def form_key(self):
        return goal_form_key(self.kwargs["goal_id"])

    @property
    def success_message(self):
        return _("The decision was recorded and the goal changed in the plan, saved as a new version.")

    def goal(self):
        return get_object_or_404(Goal.objects.filter(pathway=self.pathway), public_id=self.kwargs["goal_id"])

    def get_form(self, meeting, data=None):
        return forms.MeetingGoalForm(
            data if data is not None else self.request.POST,
            pathway=self.pathway,
            goal=self.goal(),
            prefix=self.form_key,
        )

    def perform(self, form):
        meeting = self.meeting
        data = form.cleaned_data
        services.meeting_decision_goal_update(
            actor=self.request.user,
            meeting=meeting,
            goal=form.goal,
            expected_version=data["version"],
            description=data["description"],
            indicator=data["indicator"],
            status=data["status"],
        )

    def on_conflict(self, form, error):
        """Keep the user's text, show the goal as saved now, and move the version on so saving again is deliberate."""
        saved = self.goal()
        form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
        self.extra = {"conflict_goal": self.form_key, "saved_goal": saved}
        return form


class MeetingInvitationView(MeetingMixin, View):
    """The meeting as an iCalendar file for the user's calendar."""

    permission_action = policy.VIEW

    def get(self, request, pathway_id, meeting_id):
        # The invitation shows the meeting, never the citizen's name; it is a read of the pathway all the same.
        meeting = self.get_meeting()
        url = request.build_absolute_uri(reverse("meetings:detail", args=[self.pathway.public_id, meeting.public_id]))
        response = HttpResponse(ics.invitation(meeting, url=url), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="samspil-moede-{day}.ics"'
        return response


# --- outside experts at an analysis meeting (the coordinator's side; the experts' pages: views_experts) -----------


class MeetingExpertInviteView(MeetingMixin, PathwayWriteView):
    """The coordinator invites an outside expert to an analysis meeting: a page of its own (its choices list the
    municipality's staff and contact persons, so the meeting page does not load them)."""

    permission_action = policy.MANAGE
    access_shown = "pathway.form"

    @property
    def success_message(self):
        return _("The expert was invited. They can read what the meeting needs until it ends.")

    def render_page(self, form, status=200):
        from samspil.meetings.services_experts import expert_invitable_check

        try:
            expert_invitable_check(self.meeting)
            refusal = ""
        except ValidationError as error:
            refusal = error.messages[0]
        context = {"pathway": self.pathway, "meeting": self.meeting, "form": form, "refusal": refusal}
        return render(self.request, "meetings/expert_invite.html", context, status=status)

    def get(self, request, pathway_id, meeting_id):
        self.meeting = self.get_meeting()
        return self.render_page(forms.ExpertInviteForm(pathway=self.pathway, prefix="expert"))

    def bound_form(self):
        self.meeting = self.get_meeting()
        return forms.ExpertInviteForm(self.request.POST, pathway=self.pathway, prefix="expert")

    def perform(self, form):
        from samspil.meetings.services_experts import expert_invite

        expert_invite(
            actor=self.request.user,
            meeting=self.meeting,
            expertise=form.cleaned_data["expertise"],
            **form.expert_person(),
        )

    def success(self):
        url = reverse("meetings:detail", args=[self.pathway.public_id, self.meeting.public_id]) + "#experts"
        return HttpResponseClientRedirect(url) if self.request.htmx else HttpResponseRedirect(url)

    def failure(self, form):
        return self.render_page(form, status=422)


class MeetingExpertEndView(MeetingActionView):
    """The coordinator ends an outside expert's access before the meeting ends."""

    permission_action = policy.MANAGE
    form_key = "expert_end"

    @property
    def success_message(self):
        return _("The expert's access has ended.")

    def get_form(self, meeting):
        from samspil.meetings.models import MeetingExpert

        self.expert = get_object_or_404(
            MeetingExpert.objects.filter(meeting=meeting), public_id=self.kwargs["expert_id"]
        )
        return forms.ExpertEndForm(self.request.POST, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        from samspil.meetings.services_experts import expert_end

        expert_end(actor=self.request.user, expert=self.expert, reason=form.cleaned_data["reason"])
