"""Programme management pages (`/programmer/…`). Views parse input, call one selector or service, and render.

Every page uses the one role check of pages outside a pathway (`access.views.RoleRequiredMixin`): aggregate roles
and project leaders read (anyone else 404, logged); only project leaders post (the others 403). A page's forms post
to the page itself with the name of the form in `action`; on success a redirect back, on invalid input the page with
the form and its errors (422), nothing saved. No page shows case content: pathways are counted, never listed.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin, deny
from samspil.accounts.models import AccountKind, User
from samspil.core.exceptions import ConflictError
from samspil.core.forms import add_service_errors, form_on_saved_version
from samspil.implementation import forms, scopes, selectors, services
from samspil.implementation.choices import GroupKind
from samspil.implementation.models import (
    GroupDecision,
    GroupMember,
    Milestone,
    Phase,
    PhaseChecklistItem,
    ProgrammeGroup,
    ScaleUpStep,
)
from samspil.organisations.models import ExternalContact
from samspil.pathways.views import PathwayActionView

logger = logging.getLogger("samspil.access")


class ProgrammeListView(RoleRequiredMixin, View):
    role_check = staticmethod(scopes.can_read)

    def get(self, request):
        today = timezone.localdate()
        rows = selectors.programme_list(actor=request.user, today=today)
        return render(request, "implementation/list.html", {"rows": rows, "today": today})


class ProgrammePageView(RoleRequiredMixin, View):
    """A page of one programme. Subclasses name the template, the context and their forms (`actions`)."""

    role_check = staticmethod(scopes.can_read)
    template_name = ""
    actions: tuple[str, ...] = ()
    success_messages: dict = {}

    def prepare(self, request, code=None, **kwargs):
        try:
            self.programme = selectors.programme_get(actor=request.user, code=code)
        except Http404:
            deny(request)
        self.today = timezone.localdate()
        self.can_write = scopes.can_write(request.user)

    # --- what subclasses give ---

    def page_context(self) -> dict:
        return {}

    def form_lists(self) -> dict:
        return {}

    def make_form(self, action: str, data=None):
        raise NotImplementedError

    def perform(self, action: str, form) -> None:
        raise NotImplementedError

    def saved_version(self, action: str) -> int | None:
        """The version saved now of the row `action` edits, after a conflict (None: the form has no version)."""
        return None

    # --- the flow ---

    def contacts(self):
        """The external contacts of every organisation (the form puts the drop-in centres' first)."""
        return list(
            ExternalContact.objects.visible_to(self.request.user, policy.VIEW)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )

    def staff(self):
        return list(
            User.objects.filter(
                municipality_id=self.request.user.municipality_id, kind=AccountKind.STAFF, is_active=True
            ).order_by("first_name", "last_name")
        )

    def render_page(self, bound: dict | None = None, status: int = 200, error: str = ""):
        context = {
            "programme": self.programme,
            "today": self.today,
            "can_write": self.can_write,
            "page_error": error,
            "open_form": next(iter(bound), "") if bound else "",
        }
        context.update(self.page_context())
        if self.can_write:
            self._lists = self.form_lists()
            built = {action: self.make_form(action) for action in self.actions}
            built.update(bound or {})
            context["forms"] = built
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        return self.render_page()

    def post(self, request, **kwargs):
        if not self.can_write:
            logger.warning("Refused a programme write to user %s on %s", request.user.pk, request.path)
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in self.actions:
            return self.render_page(status=422, error=_("The form was not recognised. Reload the page and try again."))
        self._lists = self.form_lists()
        form = self.make_form(action, request.POST)
        if form.is_valid():
            try:
                self.perform(action, form)
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                saved = self.saved_version(action)
                if saved is None:
                    form.add_error(None, error.message)
                else:  # the page shows the saved values; the form keeps what was typed, now on the saved version
                    form = form_on_saved_version(form, saved_version=saved, message=error.message)
            else:
                messages.success(request, self.success_messages.get(action) or _("Saved."))
                return HttpResponseRedirect(request.path)
        return self.render_page({action: form}, status=422)

    def form(self, form_class, action, data=None, **kwargs):
        return form_class(data, prefix=action, choices=self._lists, **kwargs)

    @property
    def implementation(self):
        if not hasattr(self, "_implementation"):
            self._implementation = selectors.implementation_of(self.programme)
        return self._implementation


class ProgrammeView(ProgrammePageView):
    """The programme at a glance: current phase, overdue milestones, organisation, next meetings, links."""

    template_name = "implementation/programme.html"
    actions = ("setup",)

    @property
    def success_messages(self):
        return {"setup": _("The implementation was set up from the model's template.")}

    def page_context(self):
        page = selectors.programme_page(actor=self.request.user, programme=self.programme, today=self.today)
        code = self.programme.code
        return {
            "page": page,
            "results_url": reverse("programme_results:programme", args=[code]),
            "rounds_url": reverse("evaluation:rounds", args=[code]),
        }

    def make_form(self, action, data=None):
        return self.form(forms.SetupForm, action, data)

    def perform(self, action, form):
        if self.implementation is not None:
            raise ValidationError(_("The implementation has already been set up."))
        services.implementation_setup(
            actor=self.request.user, programme=self.programme, start_on=form.cleaned_data.get("start_on")
        )


class OrganisationView(ProgrammePageView):
    template_name = "implementation/organisation.html"
    actions = ("people", "group", "member", "member_end", "meeting")

    @property
    def success_messages(self):
        return {
            "people": _("The project owner and project leader were saved."),
            "group": _("The group was added."),
            "member": _("The member was added."),
            "member_end": _("The membership was ended."),
            "meeting": _("The meeting was added."),
        }

    def page_context(self):
        return selectors.organisation(actor=self.request.user, programme=self.programme, today=self.today)

    def form_lists(self):
        groups = list(
            ProgrammeGroup.objects.visible_to(self.request.user, policy.MANAGE).filter(programme=self.programme)
        )
        return {
            "staff": self.staff(),
            "groups": groups,
            "contacts": self.contacts(),
            "members": list(GroupMember.objects.visible_to(self.request.user, policy.MANAGE).filter(group__in=groups)),
        }

    def make_form(self, action, data=None):
        if action == "people":
            implementation = self.implementation
            initial = {}
            if implementation is not None:
                initial = {
                    "owner": implementation.owner.public_id if implementation.owner else "",
                    "owner_name": implementation.owner_name,
                    "owner_title": implementation.owner_title,
                    "leader": implementation.leader.public_id if implementation.leader else "",
                    "leader_name": implementation.leader_name,
                    "leader_title": implementation.leader_title,
                    "version": implementation.version,
                }
            return self.form(forms.PeopleForm, action, data, initial=initial)
        form_class = {
            "group": forms.GroupForm,
            "member": forms.MemberForm,
            "member_end": forms.MemberEndForm,
            "meeting": forms.MeetingForm,
        }[action]
        initial = {"member_from": self.today} if action == "member" else {}
        return self.form(form_class, action, data, initial=initial)

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "people":
            if self.implementation is None:
                raise ValidationError(_("Set up the implementation on the programme's page first."))
            services.implementation_update(
                actor=actor,
                implementation=self.implementation,
                expected_version=data["version"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                owner_title=data["owner_title"],
                leader=data["leader"],
                leader_name=data["leader_name"],
                leader_title=data["leader_title"],
            )
        elif action == "group":
            services.group_create(
                actor=actor,
                programme=self.programme,
                kind=data["kind"],
                name=data["name"],
                cadence_days=data.get("cadence_days"),
                purpose=data.get("purpose", ""),
            )
        elif action == "member":
            services.group_member_add(
                actor=actor,
                group=data["group"],
                user=data["user"],
                external_contact=data["external_contact"],
                name=data.get("name", ""),
                role=data.get("role", ""),
                member_from=data["member_from"],
                member_to=data.get("member_to"),
            )
        elif action == "member_end":
            services.group_member_end(actor=actor, member=data["member"], member_to=data["member_to"])
        elif action == "meeting":
            services.group_meeting_create(
                actor=actor, group=data["group"], held_on=data["held_on"], agenda=data.get("agenda", "")
            )


class GroupView(ProgrammePageView):
    """One group: edit it, its members (the current ones and the history), its meetings and its open decisions, and
    a warning when it has gone longer than its cadence since its last meeting."""

    template_name = "implementation/group.html"
    actions = ("group", "member", "member_end", "meeting")

    @property
    def success_messages(self):
        return {
            "group": _("The group was saved."),
            "member": _("The member was added."),
            "member_end": _("The membership was ended."),
            "meeting": _("The meeting was added."),
        }

    def prepare(self, request, code=None, group_id=None, **kwargs):
        super().prepare(request, code=code)
        try:
            self.group = selectors.group_get(actor=request.user, programme=self.programme, public_id=group_id)
        except Http404:
            deny(request)

    def page_context(self):
        self.page = selectors.group_page(actor=self.request.user, group=self.group, today=self.today)
        context = {"page": self.page, "group": self.group}
        if self.group.kind == GroupKind.COORDINATION_GROUP:
            from samspil.implementation.coordination import coordination_figures

            context["coordination"] = coordination_figures(programme=self.programme, group=self.group, today=self.today)
        return context

    def form_lists(self):
        actor = self.request.user
        return {
            "staff": self.staff(),
            "contacts": self.contacts(),
            "members": list(GroupMember.objects.visible_to(actor, policy.MANAGE).filter(group=self.group)),
        }

    def make_form(self, action, data=None):
        group = self.group
        if action == "group":
            initial = {
                "kind": group.kind,
                "name": group.name,
                "cadence_days": group.cadence_days,
                "purpose": group.purpose,
                "version": group.version,
            }
            return self.form(forms.GroupEditForm, action, data, initial=initial)
        if action == "member":
            return self.form(forms.MemberForm, action, data, group=group, initial={"member_from": self.today})
        if action == "member_end":
            return self.form(forms.MemberEndForm, action, data)
        # Suggest the day the cadence asks for (today once it has passed) when no meeting is planned yet.
        page = getattr(self, "page", None)
        due = page.next_meeting.due_on if page is not None and page.next_meeting.planned_on is None else None
        initial = {"held_on": max(due, self.today)} if due else {}
        return self.form(forms.MeetingForm, action, data, group=group, initial=initial)

    def saved_version(self, action):
        if action != "group":
            return None
        return ProgrammeGroup.objects.filter(pk=self.group.pk).values_list("version", flat=True).first()

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "group":
            services.group_update(
                actor=actor,
                group=self.group,
                expected_version=data["version"],
                kind=data["kind"],
                name=data["name"],
                cadence_days=data.get("cadence_days"),
                purpose=data.get("purpose", ""),
            )
        elif action == "member":
            services.group_member_add(
                actor=actor,
                group=self.group,
                user=data["user"],
                external_contact=data["external_contact"],
                name=data.get("name", ""),
                role=data.get("role", ""),
                member_from=data["member_from"],
                member_to=data.get("member_to"),
            )
        elif action == "member_end":
            services.group_member_end(actor=actor, member=data["member"], member_to=data["member_to"])
        else:
            services.group_meeting_create(
                actor=actor, group=self.group, held_on=data["held_on"], agenda=data.get("agenda", "")
            )


class GroupMeetingView(ProgrammePageView):
    """A meeting of a group: its agenda and minutes, the decisions made at it (owner, due date, done), the open
    decisions of the group's earlier meetings to follow up on, and who was a member of the group on the day."""

    template_name = "implementation/meeting.html"
    actions = ("meeting", "decision", "decision_done")

    @property
    def success_messages(self):
        return {
            "meeting": _("The meeting was saved."),
            "decision": _("The decision was recorded."),
            "decision_done": _("The decision was marked as done."),
        }

    def prepare(self, request, code=None, meeting_id=None, **kwargs):
        super().prepare(request, code=code)
        try:
            self.meeting = selectors.group_meeting_get(
                actor=request.user, programme=self.programme, public_id=meeting_id
            )
        except Http404:
            deny(request)

    def page_context(self):
        page = selectors.meeting_page(actor=self.request.user, meeting=self.meeting)
        return {"meeting": self.meeting, "page": page, "decisions": page.decisions}

    def form_lists(self):
        actor = self.request.user
        decisions = GroupDecision.objects.visible_to(actor, policy.MANAGE).filter(
            meeting__group_id=self.meeting.group_id
        )
        return {"decisions": list(decisions)}

    def make_form(self, action, data=None):
        if action == "meeting":
            m = self.meeting
            initial = {"held_on": m.held_on, "agenda": m.agenda, "minutes": m.minutes, "version": m.version}
            return self.form(forms.MeetingUpdateForm, action, data, initial=initial)
        if action == "decision":
            return self.form(forms.DecisionForm, action, data)
        return self.form(forms.DecisionDoneForm, action, data)

    def saved_version(self, action):
        if action != "meeting":
            return None
        return type(self.meeting).objects.filter(pk=self.meeting.pk).values_list("version", flat=True).first()

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "meeting":
            services.group_meeting_update(
                actor=actor,
                meeting=self.meeting,
                expected_version=data["version"],
                held_on=data["held_on"],
                agenda=data.get("agenda", ""),
                minutes=data.get("minutes", ""),
            )
        elif action == "decision":
            services.group_decision_add(
                actor=actor,
                meeting=self.meeting,
                text=data["text"],
                owner=data.get("owner", ""),
                due_on=data.get("due_on"),
            )
        else:
            services.group_decision_done(actor=actor, decision=data["decision"])


class MatrixView(ProgrammePageView):
    template_name = "implementation/matrix.html"
    actions = ("matrix", "task", "role")

    @property
    def success_messages(self):
        return {
            "matrix": _("The matrix was saved."),
            "task": _("The task was added."),
            "role": _("The role was added."),
        }

    def page_context(self):
        self.matrix = selectors.responsibility_matrix(actor=self.request.user, programme=self.programme)
        return {"matrix": self.matrix, "implementation": self.implementation}

    def make_form(self, action, data=None):
        if action == "matrix":
            matrix = getattr(self, "matrix", None) or selectors.responsibility_matrix(
                actor=self.request.user, programme=self.programme
            )
            version = self.implementation.matrix_version if self.implementation else 0
            return self.form(forms.MatrixForm, action, data, matrix=matrix, initial={"version": version})
        return self.form(forms.NameForm, action, data)

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "matrix":
            if self.implementation is None:
                raise ValidationError(_("Set up the implementation on the programme's page first."))
            services.matrix_save(
                actor=actor,
                implementation=self.implementation,
                expected_version=data["version"],
                cells=form.cell_values(),
            )
        elif action == "task":
            services.matrix_task_add(actor=actor, programme=self.programme, name=data["name"])
        else:
            services.matrix_role_add(actor=actor, programme=self.programme, name=data["name"])


class TheoryView(ProgrammePageView):
    template_name = "implementation/theory.html"
    actions = ("item",)
    success_messages = {}

    def page_context(self):
        return {"columns": selectors.theory_columns(self.request.user, self.programme)}

    def make_form(self, action, data=None):
        return self.form(forms.TheoryItemForm, action, data)

    def perform(self, action, form):
        data = form.cleaned_data
        services.theory_item_add(
            actor=self.request.user,
            programme=self.programme,
            kind=data["kind"],
            text=data["text"],
            measure=data["measure"],
            figure=data["figure"],
        )


class PlanView(ProgrammePageView):
    template_name = "implementation/plan.html"
    actions = ("phase", "checklist", "milestone", "milestone_done")

    @property
    def success_messages(self):
        return {
            "phase": _("The phase was saved."),
            "checklist": _("The checklist was updated."),
            "milestone": _("The milestone was added."),
            "milestone_done": _("The milestone was marked as done."),
        }

    def page_context(self):
        page = selectors.programme_page(actor=self.request.user, programme=self.programme, today=self.today)
        phase_forms = {}
        if self.can_write:
            bound_phase = getattr(self, "_bound_phase", None)
            for phase in page.phases:
                if bound_phase is not None and bound_phase[0] == phase.pk:
                    phase_forms[phase.pk] = bound_phase[1]
                    continue
                initial = {
                    "planned_start": phase.planned_start,
                    "planned_end": phase.planned_end,
                    "actual_start": phase.actual_start,
                    "actual_end": phase.actual_end,
                    "version": phase.version,
                }
                phase_forms[phase.pk] = forms.PhaseForm(prefix=f"phase-{phase.public_id.hex}", initial=initial)
        for phase in page.phases:
            phase.form = phase_forms.get(phase.pk)
        return {"page": page}

    def form_lists(self):
        actor = self.request.user
        phases = list(Phase.objects.visible_to(actor, policy.MANAGE).filter(programme=self.programme))
        return {
            "phases": phases,
            "checklist": list(PhaseChecklistItem.objects.visible_to(actor, policy.MANAGE).filter(phase__in=phases)),
            "milestones": list(Milestone.objects.visible_to(actor, policy.MANAGE).filter(programme=self.programme)),
        }

    def _posted_phase(self):
        posted = self.request.POST.get("phase", "")
        return next((p for p in self._lists.get("phases", []) if p.public_id.hex == posted), None)

    def make_form(self, action, data=None):
        if action == "phase":
            phase = self._posted_phase() if data is not None else None
            prefix = f"phase-{phase.public_id.hex}" if phase else "phase"
            return forms.PhaseForm(data, prefix=prefix, choices=self._lists)
        form_class = {
            "checklist": forms.ChecklistForm,
            "milestone": forms.MilestoneForm,
            "milestone_done": forms.MilestoneDoneForm,
        }[action]
        return self.form(form_class, action, data)

    def post(self, request, **kwargs):
        if request.POST.get("action") == "phase" and self.can_write:
            return self._post_phase(request)
        return super().post(request, **kwargs)

    def _post_phase(self, request):
        self._lists = self.form_lists()
        phase = self._posted_phase()
        if phase is None:
            return self.render_page(status=422, error=_("The phase no longer exists. Reload the page."))
        form = self.make_form("phase", request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.phase_update(
                    actor=request.user,
                    phase=phase,
                    expected_version=data["version"],
                    planned_start=data.get("planned_start"),
                    planned_end=data.get("planned_end"),
                    actual_start=data.get("actual_start"),
                    actual_end=data.get("actual_end"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, self.success_messages["phase"])
                return HttpResponseRedirect(request.path)
        self._bound_phase = (phase.pk, form)
        return self.render_page(status=422)

    def perform(self, action, form):
        actor, data = self.request.user, form.cleaned_data
        if action == "checklist":
            services.checklist_item_set(actor=actor, item=data["item"], done=data["done"])
        elif action == "milestone":
            services.milestone_add(actor=actor, programme=self.programme, **form.values())
        else:
            services.milestone_done(actor=actor, milestone=data["milestone"], expected_version=data["version"])


class ScaleUpView(ProgrammePageView):
    template_name = "implementation/scale_up.html"
    actions = ("step", "step_remove")

    @property
    def success_messages(self):
        return {"step": _("The step was added."), "step_remove": _("The step was removed.")}

    def page_context(self):
        page = selectors.programme_page(actor=self.request.user, programme=self.programme, today=self.today)
        return {"page": page}

    def form_lists(self):
        steps = ScaleUpStep.objects.visible_to(self.request.user, policy.MANAGE).filter(programme=self.programme)
        return {"steps": list(steps)}

    def make_form(self, action, data=None):
        return self.form(forms.ScaleUpForm if action == "step" else forms.ScaleUpRemoveForm, action, data)

    def perform(self, action, form):
        data = form.cleaned_data
        if action == "step":
            services.scale_up_step_add(
                actor=self.request.user,
                programme=self.programme,
                on_date=data["on_date"],
                target_count=data["target_count"],
                note=data.get("note", ""),
            )
        else:
            services.scale_up_step_remove(actor=self.request.user, step=data["step"])


class StatusReportView(ProgrammePageView):
    """The status report as PDF: phase, milestones, organisation, change theory, scale-up, next steps."""

    http_method_names = ["get"]

    def get(self, request, **kwargs):
        from samspil.implementation.pdf import render_status_report

        page = selectors.programme_page(actor=request.user, programme=self.programme, today=self.today)
        organisation = selectors.organisation(actor=request.user, programme=self.programme, today=self.today)
        content = render_status_report(page, organisation, actor=request.user)
        response = HttpResponse(content, content_type="application/pdf")
        filename = f"statusrapport-{self.programme.code}-{self.today.isoformat()}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- the pathway's overview: pilot cases ------------------------------------------------------------------------


class PilotView(PathwayActionView):
    """The coordinator marks the pathway as a pilot case of its programme (or not)."""

    form_key = "pilot"
    form_class = forms.PilotForm

    @property
    def submit_label(self):
        return _("Save")

    @property
    def success_message(self):
        return _("The pilot case marking was saved.")

    def perform(self, form):
        services.pathway_set_pilot(
            actor=self.request.user,
            pathway=self.pathway,
            pilot=form.cleaned_data["pilot"],
            expected_version=form.cleaned_data["version"],
        )
