"""The core team pages (`/kerneteamer/…`). Views parse input, call one selector or service, and render.

Every page uses the one role check of pages outside a pathway (`access.views.RoleRequiredMixin`, any staff member);
a team or meeting the user may not view (`coreteams.access`) is 404 and the refusal logged. A page's forms post to
the page itself with the form's name in `action`; on success a redirect back, on invalid input the page with the
form and its errors (422), nothing saved; a form the user may not use is 403. Families are named only where the user
may view the pathway; every response that names families writes one access-log row per citizen they are about.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin, deny
from samspil.accounts.models import AccountKind, User
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.core.exceptions import ConflictError
from samspil.core.forms import add_service_errors
from samspil.coreteams import access, forms, selectors, services
from samspil.coreteams.choices import CaseloadMeetingStatus
from samspil.coreteams.models import CoreTeamCase, CoreTeamMember
from samspil.organisations.models import Department
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway, Programme

logger = logging.getLogger("samspil.access")


class CoreTeamPageView(RoleRequiredMixin, View):
    """A core team page. Subclasses give the template, the context, their forms (`actions`) and who may use each
    (`allowed(action)`)."""

    role_check = staticmethod(policy.is_municipal_staff)
    template_name = ""
    actions: tuple[str, ...] = ()
    shown = ""  # the access log's code for what the page shows
    form_shown = ""  # the access log's code for the families a form's list names

    def prepare(self, request, **kwargs):
        self.today = timezone.localdate()

    def page_context(self) -> dict:
        return {}

    def allowed(self, action: str) -> bool:
        return False

    def form_lists(self) -> dict:
        return {}

    def make_form(self, action: str, data=None):
        raise NotImplementedError

    def perform(self, action: str, form) -> str:
        """Do it; return the success message."""
        raise NotImplementedError

    def named_pathways(self) -> list[Pathway]:
        return []

    def form_pathways(self, usable: list[str]) -> list[Pathway]:
        """The families the page's forms name (a select of pathways), logged under `form_shown`."""
        return []

    def render_page(self, bound: dict | None = None, status: int = 200, error: str = ""):
        context = {"today": self.today, "page_error": error, "open_form": next(iter(bound), "") if bound else ""}
        context.update(self.page_context())
        usable = [action for action in self.actions if self.allowed(action)]
        offered = []
        if usable:
            self._lists = self.form_lists()
            built = {action: self.make_form(action) for action in usable}
            built.update(bound or {})
            context["forms"] = built
            offered = self.form_pathways(usable)
        else:
            context["forms"] = {}
        response = render(self.request, self.template_name, context, status=status)
        pathways = self.named_pathways()
        if pathways:
            access_record_each(
                actor=self.request.user,
                reads=selectors.reads(pathways),
                shown=self.shown,
                purpose=AccessPurpose.COORDINATION,
            )
        if offered:
            access_record_each(
                actor=self.request.user,
                reads=selectors.reads(offered),
                shown=self.form_shown,
                purpose=AccessPurpose.COORDINATION,
            )
        return response

    def get(self, request, **kwargs):
        return self.render_page()

    def post(self, request, **kwargs):
        action = request.POST.get("action", "")
        if not any(self.allowed(name) for name in self.actions):  # a reader of the page who may use none of its forms
            logger.warning("Refused a core team write to user %s on %s", request.user.pk, request.path)
            raise PermissionDenied
        if action not in self.actions:
            return self.render_page(status=422, error=_("The form was not recognised. Reload the page and try again."))
        if not self.allowed(action):
            logger.warning("Refused a core team write to user %s on %s", request.user.pk, request.path)
            raise PermissionDenied
        self._lists = self.form_lists()
        form = self.make_form(action, request.POST)
        if form.is_valid():
            try:
                message = self.perform(action, form)
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                form.add_error(None, error.message)
            except Http404:
                form.add_error(None, _("You may not see that pathway."))
            else:
                messages.success(request, message)
                return HttpResponseRedirect(request.path)
        return self.render_page({action: form}, status=422)

    def form(self, form_class, action, data=None, **kwargs):
        return form_class(data, prefix=action, choices=self._lists, **kwargs)

    def staff(self):
        return list(
            User.objects.filter(
                municipality_id=self.request.user.municipality_id, kind=AccountKind.STAFF, is_active=True
            ).order_by("first_name", "last_name", "id")
        )


class TeamListView(CoreTeamPageView):
    """The core teams the user is on or leads (project leaders: every team), and a new team (project leaders)."""

    template_name = "coreteams/list.html"
    actions = ("team",)

    def allowed(self, action):
        return policy.can_run_programmes(self.request.user)

    def page_context(self):
        return {
            "rows": selectors.team_list(actor=self.request.user, today=self.today),
            "may_create": policy.can_run_programmes(self.request.user),
        }

    def form_lists(self):
        programmes = Programme.objects.visible_to(self.request.user, policy.VIEW).filter(active=True).order_by("name")
        return {"programmes": list(programmes), "staff": self.staff()}

    def make_form(self, action, data=None):
        return self.form(forms.TeamCreateForm, action, data)

    def perform(self, action, form):
        data = form.cleaned_data
        services.team_create(
            actor=self.request.user,
            programme=data["programme"],
            name=data["name"],
            leader=data["leader"],
            cadence_days=data["cadence_days"],
            location=data.get("location", ""),
        )
        return _("The core team was created.")


class TeamView(CoreTeamPageView):
    """One core team: members (warning outside 3–4 professionals), the caseload, meetings and the next one due."""

    template_name = "coreteams/team.html"
    actions = ("team", "member", "member_end", "case", "case_end", "places", "schedule")
    shown = "coreteam.caseload"
    form_shown = "coreteam.form"

    def prepare(self, request, team_id=None, **kwargs):
        super().prepare(request)
        try:
            self.team = selectors.team_get(actor=request.user, public_id=team_id)
        except Http404:
            deny(request)
        user = request.user
        self.may_manage = access.teams_of(user, policy.MANAGE).filter(pk=self.team.pk).exists()
        self.may_contribute = access.teams_of(user, policy.CONTRIBUTE).filter(pk=self.team.pk).exists()

    def allowed(self, action):
        if action in ("case", "case_end", "places"):
            return self.team.active and (self.may_manage or self.may_contribute)
        if action == "schedule":
            return self.team.active and self.may_manage
        return self.may_manage

    def page_context(self):
        self.page = selectors.team_page(actor=self.request.user, team=self.team, today=self.today)
        return {"team": self.team, "page": self.page}

    def named_pathways(self):
        return self.page.named_pathways

    def form_pathways(self, usable):
        return self._lists.get("pathways", []) if "case" in usable else []

    def form_lists(self):
        user, team = self.request.user, self.team
        lists = {}
        if self.may_manage:
            lists["staff"] = self.staff()
            lists["departments"] = list(Department.objects.visible_to(user, policy.VIEW).order_by("name"))
            lists["members"] = list(
                CoreTeamMember.objects.filter(team=team, active_to__isnull=True).select_related("user")
            )
        if self.allowed("case"):
            # Only the coordinator changes a pathway's team: the families offered are the ones the user coordinates.
            lists["pathways"] = list(
                Pathway.objects.visible_to(user, policy.MANAGE)
                .filter(programme_id=team.programme_id)
                .exclude(status=PathwayStatus.CLOSED)
                .exclude(pk__in=CoreTeamCase.objects.filter(assigned_to__isnull=True).values("pathway_id"))
                .select_related("citizen", "household")
                .order_by("opened_on", "id")
            )
            open_cases = list(
                CoreTeamCase.objects.filter(team=team, assigned_to__isnull=True).select_related("pathway")
            )
            named = selectors.visible_pathway_ids(user, [c.pathway_id for c in open_cases])
            lists["cases"] = [c for c in open_cases if c.pathway_id in named]
        return lists

    def make_form(self, action, data=None):
        team = self.team
        if action == "team":
            initial = {
                "name": team.name,
                "leader": str(team.leader.public_id),
                "cadence_days": team.status_meeting_cadence_days,
                "location": team.location,
                "active": team.active,
                "version": team.version,
            }
            return self.form(forms.TeamEditForm, action, data, initial=initial)
        if action == "member":
            return self.form(forms.MemberForm, action, data, initial={"active_from": self.today})
        if action == "member_end":
            return self.form(forms.MemberEndForm, action, data, initial={"active_to": self.today})
        if action == "case":
            return self.form(forms.CaseForm, action, data, initial={"assigned_from": self.today})
        if action == "case_end":
            return self.form(forms.CaseEndForm, action, data, initial={"assigned_to": self.today})
        if action == "places":
            return self.form(forms.CasePlacesForm, action, data)
        page = getattr(self, "page", None)
        due = page.next.due_on if page is not None and page.next.planned is None else None
        initial = {"date": max(due, self.today) if due else self.today, "location": team.location}
        return self.form(forms.ScheduleForm, action, data, initial=initial)

    def perform(self, action, form):
        actor, data, team = self.request.user, form.cleaned_data, self.team
        if action == "team":
            services.team_update(
                actor=actor,
                team=team,
                expected_version=data["version"],
                name=data["name"],
                leader=data["leader"],
                cadence_days=data["cadence_days"],
                location=data.get("location", ""),
                active=data.get("active", False),
            )
            return _("The core team was saved.")
        if action == "member":
            services.member_add(
                actor=actor,
                team=team,
                user=data["user"],
                department=data["department"],
                profession=data.get("profession", ""),
                active_from=data["active_from"],
            )
            return _(
                "The member was added. They have a team place on the families in the caseload that you coordinate; "
                "the coordinators of the other families give theirs."
            )
        if action == "member_end":
            services.member_end(actor=actor, member=data["member"], active_to=data["active_to"])
            return _("The membership was ended, and the team places the caseload gave were ended with it.")
        if action == "case":
            services.case_assign(actor=actor, team=team, pathway=data["pathway"], assigned_from=data["assigned_from"])
            return _("The family was added to the caseload. The members have a team place on the pathway.")
        if action == "case_end":
            services.case_end(actor=actor, case=data["case"], assigned_to=data["assigned_to"])
            return _("The family left the caseload, and the team places the caseload gave were ended.")
        if action == "places":
            services.case_places_add(actor=actor, case=data["case"])
            return _("The members were given their team places on the pathway.")
        services.meeting_schedule(
            actor=actor,
            team=team,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data.get("location", ""),
        )
        return _("The caseload status meeting was scheduled.")


class MeetingView(CoreTeamPageView):
    """A caseload status meeting: every family with a change since the previous held meeting, attendance (in
    person, online, absent), the minutes and per family the decision and whether the plan is to be revised."""

    template_name = "coreteams/meeting.html"
    actions = ("record", "cancel")
    shown = "coreteam.meeting"

    def prepare(self, request, meeting_id=None, **kwargs):
        super().prepare(request)
        try:
            self.meeting = selectors.meeting_get(actor=request.user, public_id=meeting_id)
        except Http404:
            deny(request)
        self.team = self.meeting.team

    def page_context(self):
        self.page = selectors.meeting_page(actor=self.request.user, meeting=self.meeting)
        return {"meeting": self.meeting, "team": self.team, "page": self.page}

    def named_pathways(self):
        return self.page.named_pathways

    def allowed(self, action):
        page = getattr(self, "page", None) or selectors.meeting_page(actor=self.request.user, meeting=self.meeting)
        self.page = page
        if action == "record":
            return page.may_record
        return page.may_manage and self.meeting.status == CaseloadMeetingStatus.PLANNED

    def make_form(self, action, data=None):
        if action == "cancel":
            return self.form(forms.CancelForm, action, data)
        page = self.page
        return self.form(
            forms.RecordForm,
            action,
            data,
            members=page.members,
            families=page.families,
            attendance=page.attendance,
            with_minutes=page.shows_minutes,
            initial={"minutes": self.meeting.minutes if page.shows_minutes else "", "version": self.meeting.version},
        )

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "cancel":
            services.meeting_cancel(actor=actor, meeting=self.meeting, reason=data["reason"])
            return _("The meeting was cancelled.")
        services.meeting_record(
            actor=actor,
            meeting=self.meeting,
            expected_version=data["version"],
            attendance=form.attendance_values(),
            minutes=data.get("minutes", "") if "minutes" in form.fields else None,
            decisions=form.decision_values(),
        )
        values = form.attendance_values()
        absent = [m for m in form.members if values.get(m.pk) != "in_person"]
        if absent:
            messages.warning(
                self.request,
                _(
                    "Not everyone was present in person (%(names)s). The model requires the status meeting to be "
                    "held as a physical meeting with the whole core team."
                )
                % {"names": ", ".join(m.user.get_full_name() for m in absent)},
            )
        return _("The meeting was recorded. Each decision is shown on the family's pathway.")
