"""Plan pages. Views parse input, call one selector or service, and render; `PathwayMixin` does the scoping.

The plan page lists everything; a goal's own page holds the forms that change the goal, its agreements and
its follow-ups, so the plan page stays light with hundreds of items. Every form is a plain POST form that
HTMX enhances: on success the refreshed page fragment (HTMX) or a redirect, on invalid input the page with
the form and its errors (422), and on a conflict the form with the user's own text kept, the saved value
beside it, and the version moved on, so saving again after merging succeeds.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.audit.services import access_denied_record
from samspil.core import form_cache
from samspil.core.exceptions import ConflictError
from samspil.core.forms import form_on_saved_version
from samspil.core.redirects import safe_next_url
from samspil.pathways import fragments
from samspil.pathways.views import PathwayMixin, PathwayWriteView
from samspil.plans import forms, selectors, services
from samspil.plans.choices import PdfEdition
from samspil.plans.models import Agreement, Goal, PlanRevision
from samspil.plans.pdf import render_plan_pdf


def _plan_context(request, pathway, bound_forms=None, conflict=""):
    page = selectors.plan_page(actor=request.user, pathway=pathway)
    context = {"page": page, "pathway": pathway, "forms": {}, "open_form": "", "conflict": conflict}
    if page.can_contribute:
        # The two empty forms depend only on what their keys name (and the language): rendered once per process for
        # each (`core.form_cache`); a bound form (errors, a conflict) replaces them below.
        plan = page.plan
        context["forms"] = {
            "wishes": form_cache.unbound_form(
                lambda: forms.WishesForm(page=page, prefix="wishes"),
                key=("plan.wishes", plan.version, plan.citizen_wishes),
            ),
            "goal_add": form_cache.unbound_form(
                lambda: forms.GoalForm(page=page, prefix="goal_add"),
                key=(
                    "plan.goal_add",
                    page.is_family,
                    tuple((citizen.public_id, citizen.full_name) for citizen in page.citizens),
                    tuple((department.public_id, department.name) for department in page.departments),
                    tuple((finding.public_id, finding.label) for finding in page.findings),
                ),
            ),
        }
    for key, form in (bound_forms or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    return context


def _plan_kept_context(request, pathway):
    """The plan page with no form bound: its body rendered once per change of the pathway and viewer's rights
    (`pathways.fragments`); only a miss reads the plan."""
    body = fragments.pathway_part(
        request,
        pathway=pathway,
        name="plan",
        variant=selectors.plan_page_variant(pathway.access),
        template_name="plans/_plan_body.html",
        context=lambda: _plan_context(request, pathway),
    )
    return {"pathway": pathway, "plan_body": body.html}


def _goal_context(request, pathway, goal_public_id, bound_forms=None, conflict=""):
    page, goal = selectors.plan_goal(actor=request.user, pathway=pathway, goal_public_id=goal_public_id)
    context = {"page": page, "pathway": pathway, "goal": goal, "forms": {}, "open_form": "", "conflict": conflict}
    if page.can_contribute:
        context["forms"] = {
            "goal": forms.GoalForm(page=page, goal=goal, prefix="goal"),
            "follow_up": forms.FollowUpForm(page=page, prefix="follow_up"),
            "agreement": forms.AgreementForm(page=page, prefix="agreement"),
            **{
                f"status-{agreement.public_id}": forms.AgreementStatusForm(
                    page=page, agreement=agreement, prefix=f"status-{agreement.public_id}"
                )
                for agreement in goal.agreements.all()
            },
        }
    for key, form in (bound_forms or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    return context


class PlanView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "plan"

    def get(self, request, pathway_id):
        return render(request, "plans/plan.html", _plan_kept_context(request, self.pathway))


class GoalView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "plan"

    def get(self, request, pathway_id, goal_id):
        return render(request, "plans/goal.html", _goal_context(request, self.pathway, goal_id))


class PlanActionView(PathwayWriteView):
    """A write on the plan page (or, with `on_goal_page`, on a goal's page). A conflict keeps the user's text."""

    permission_action = policy.CONTRIBUTE
    access_shown = "plan"
    form_key: str = ""
    form_class = None
    on_goal_page = False
    form_reads_goals = False  # the bound form takes its goal from the page's goals (`form_kwargs`)

    @property
    def success_message(self) -> str:
        return _("The plan was saved as a new version.")

    def form_kwargs(self, page) -> dict:
        return {}

    def current_version(self, context) -> int:
        """After a conflict: the version of the record as it is saved now."""
        raise NotImplementedError

    def goal_public_id(self):
        return self.kwargs.get("goal_id")

    def bound_form(self):
        # The form's choices (team, citizens, departments, findings) without the plan's goals, unless the form
        # changes a goal: a posted agreement costs the same on a plan of 30 items and of 1,000.
        page = selectors.plan_page(actor=self.request.user, pathway=self.pathway, goals=self.form_reads_goals)
        if self.on_goal_page:
            goal_id = str(self.goal_public_id())
            if self.form_reads_goals:
                if not any(str(goal.public_id) == goal_id for goal in page.goals):
                    raise Http404
            else:
                self.goal()  # 404 for a goal of another pathway; read once, for the write too
        return self.form_class(self.request.POST, page=page, prefix=self.form_key, **self.form_kwargs(page))

    def context(self, bound_forms=None, conflict=""):
        if self.on_goal_page:
            return _goal_context(self.request, self.pathway, self.goal_public_id(), bound_forms, conflict)
        return _plan_context(self.request, self.pathway, bound_forms, conflict)

    @property
    def page_url(self) -> str:
        if self.on_goal_page:
            return reverse("plans:goal", args=[self.pathway.public_id, self.goal_public_id()])
        return reverse("plans:plan", args=[self.pathway.public_id])

    def render_page(self, context, status=200):
        name = "goal" if self.on_goal_page else "plan"
        template = f"plans/_{name}.html" if self.request.htmx else f"plans/{name}.html"
        return render(self.request, template, context, status=status)

    def success(self):
        if self.request.htmx:
            if self.on_goal_page:
                return self.render_page(self.context())
            # The pathway was read before the save: the page is kept under the generation the save moved it to.
            self.pathway.refresh_from_db(fields=["content_generation"])
            return self.render_page(_plan_kept_context(self.request, self.pathway))
        return HttpResponseRedirect(self.page_url)

    def failure(self, form):
        return self.render_page(self.context({self.form_key: form}), status=422)

    def conflict(self, form, error: ConflictError):
        # The user's text stays in the form; the version moves on to the saved one, so that saving again
        # (after merging with the saved value the page shows beside the form) is a deliberate overwrite.
        context = self.context(conflict=self.form_key)
        form = form_on_saved_version(form, saved_version=self.current_version(context), message=error.message)
        context["forms"][self.form_key] = form
        context["open_form"] = self.form_key
        return self.render_page(context, status=422)


class WishesView(PlanActionView):
    form_key = "wishes"
    form_class = forms.WishesForm

    def perform(self, form):
        services.plan_update_wishes(
            actor=self.request.user,
            pathway=self.pathway,
            wishes=form.cleaned_data["citizen_wishes"],
            expected_version=form.cleaned_data["version"],
        )

    def current_version(self, context) -> int:
        return context["page"].plan.version


def _goal_values(form) -> dict:
    data = form.cleaned_data
    return {
        "life_area": data["life_area"],
        "description": data["description"],
        "goal_type": data["goal_type"],
        "indicator": data["indicator"],
        "horizon": data["horizon"],
        "member": form.chosen_member,
        "responsible_department": form.chosen_department,
        "legal_basis": data["legal_basis"],
        "findings": form.chosen_findings,
    }


class GoalAddView(PlanActionView):
    form_key = "goal_add"
    form_class = forms.GoalForm

    @property
    def success_message(self):
        return _("The goal was added and the plan saved as a new version.")

    def perform(self, form):
        services.goal_add(actor=self.request.user, pathway=self.pathway, **_goal_values(form))


class GoalActionView(PlanActionView):
    on_goal_page = True

    def goal(self) -> Goal:
        if not hasattr(self, "_goal"):
            self._goal = selectors.pathway_goal(self.pathway, self.goal_public_id())
        return self._goal


class GoalUpdateView(GoalActionView):
    form_key = "goal"
    form_class = forms.GoalForm
    form_reads_goals = True

    def form_kwargs(self, page):
        return {"goal": next(g for g in page.goals if str(g.public_id) == str(self.goal_public_id()))}

    def perform(self, form):
        services.goal_update(
            actor=self.request.user,
            goal=self.goal(),
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            **_goal_values(form),
        )

    def current_version(self, context) -> int:
        return context["goal"].version


class GoalFollowUpView(GoalActionView):
    form_key = "follow_up"
    form_class = forms.FollowUpForm

    @property
    def success_message(self):
        return _("The follow-up was recorded and the plan saved as a new version.")

    def perform(self, form):
        data = form.cleaned_data
        services.goal_follow_up(
            actor=self.request.user,
            goal=self.goal(),
            result=data["result"],
            assessed_on=data["assessed_on"],
            note=data["note"],
            internal_note=data["internal_note"],
        )


class AgreementAddView(GoalActionView):
    form_key = "agreement"
    form_class = forms.AgreementForm

    @property
    def success_message(self):
        return _("The agreement was added and the plan saved as a new version.")

    def perform(self, form):
        services.agreement_create(
            actor=self.request.user,
            goal=self.goal(),
            what=form.cleaned_data["what"],
            due_on=form.cleaned_data["due_on"],
            **form.owner_values(),
        )


class AgreementStatusView(GoalActionView):
    form_class = forms.AgreementStatusForm

    @property
    def form_key(self):
        return f"status-{self.kwargs['agreement_id']}"

    def agreement(self) -> Agreement:
        if not hasattr(self, "_agreement"):
            self._agreement = get_object_or_404(
                Agreement.objects.filter(pathway=self.pathway).select_related("goal"),
                public_id=self.kwargs["agreement_id"],
            )
        return self._agreement

    def goal_public_id(self):
        return self.agreement().goal.public_id

    def form_kwargs(self, page):
        return {"agreement": self.agreement()}

    def perform(self, form):
        services.agreement_update_status(
            actor=self.request.user,
            agreement=self.agreement(),
            status=form.cleaned_data["status"],
            follow_up_note=form.cleaned_data["follow_up_note"],
            expected_version=form.cleaned_data["version"],
        )

    def current_version(self, context) -> int:
        return next(a.version for a in context["goal"].agreements.all() if a.pk == self.agreement().pk)

    def success(self):
        # "Mine opgaver" completes an agreement from its own list and asks to come back there.
        target = safe_next_url(self.request)
        if target and not self.request.htmx:
            return HttpResponseRedirect(target)
        return super().success()


class RevisionListView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "plan.revisions"

    def get(self, request, pathway_id):
        return render(request, "plans/revisions.html", self.context())

    def context(self, bound=None, number=None):
        revisions = selectors.plan_revisions(actor=self.request.user, pathway=self.pathway)
        return {
            "pathway": self.pathway,
            "revisions": revisions,
            # Recording the citizen's response is the coordinator's (MANAGE), on an open pathway.
            "can_manage": self.pathway.is_open and self.pathway.access.is_coordinator,
            "response_form": bound or forms.CitizenResponseForm(page=None, prefix="response"),
            "open_number": number,
        }


class RevisionCitizenResponseView(RevisionListView):
    """The coordinator records that the citizen has seen (and agrees to) a version."""

    permission_action = policy.MANAGE
    http_method_names = ["post"]

    def post(self, request, pathway_id, number):
        revision = get_object_or_404(PlanRevision.objects.filter(pathway=self.pathway), number=number)
        form = forms.CitizenResponseForm(request.POST, page=None, prefix="response")
        if form.is_valid():
            try:
                services.revision_record_citizen_agreement(
                    actor=request.user,
                    revision=revision,
                    agreed=form.cleaned_data["agreed"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The citizen's response was recorded."))
                return HttpResponseRedirect(reverse("plans:revisions", args=[self.pathway.public_id]))
        return render(request, "plans/revisions.html", self.context(form, number), status=422)


def _revision_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class CompareView(PathwayMixin, View):
    """`?fra=<n>&til=<n>`: the version numbers (not database ids). Without both: the choice of two versions."""

    permission_action = policy.VIEW
    access_shown = "plan.compare"
    compared = False

    def access_read(self):
        shown, citizens = super().access_read()
        return (shown if self.compared else "plan.revisions"), citizens

    def get(self, request, pathway_id):
        from_number, to_number = _revision_number(request.GET.get("fra")), _revision_number(request.GET.get("til"))
        self.compared = bool(from_number and to_number)
        context = {"pathway": self.pathway, "comparison": None, "from_number": from_number, "to_number": to_number}
        if from_number and to_number:
            context["comparison"] = selectors.plan_compare(
                actor=request.user, pathway=self.pathway, from_number=from_number, to_number=to_number
            )
        else:
            context["revisions"] = selectors.plan_revisions(actor=request.user, pathway=self.pathway)
        return render(request, "plans/compare.html", context)


class PdfView(PathwayMixin, View):
    """The plan as a PDF: `?udgave=borger` (the citizen's version, the default) or `?udgave=sag` (case file).

    The case-file edition carries the internal notes: for the coordinator and covered team places only
    (`access.shows_internal_notes`); a grant or break-glass reader gets 403 for it. The access log names the edition.
    """

    permission_action = policy.VIEW
    access_shown = "plan.pdf.citizen"
    edition = PdfEdition.CITIZEN

    def access_read(self):
        shown = "plan.pdf.case_file" if self.edition == PdfEdition.CASE_FILE else "plan.pdf.citizen"
        return shown, self.access_citizens

    def get(self, request, pathway_id):
        edition = request.GET.get("udgave", PdfEdition.CITIZEN)
        if edition not in PdfEdition.values:
            edition = PdfEdition.CITIZEN
        if edition == PdfEdition.CASE_FILE and not self.pathway.access.shows_internal_notes:
            access_denied_record(actor=request.user, path=request.path, pathway=self.pathway)
            raise PermissionDenied
        self.edition = edition
        document = selectors.plan_document(actor=request.user, pathway=self.pathway)
        content = render_plan_pdf(document, edition=edition)
        response = HttpResponse(content, content_type="application/pdf")
        # No name and no CPR number in the file name: it ends up in download folders and mail attachments.
        filename = f"faelles-plan-{'borgerudgave' if edition == PdfEdition.CITIZEN else 'sagsudgave'}"
        filename += f"-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
