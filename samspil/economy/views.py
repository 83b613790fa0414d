"""Economy pages. Views parse input, call one selector or service, and render.

Pathway pages use `PathwayMixin` (the scope); the management pages under /oekonomi/ use the one role check of
pages outside a pathway (`access.views.RoleRequiredMixin`): 404 and logged for anyone without the role. Every
form is a plain POST form that HTMX enhances: on success the refreshed fragment (HTMX) or a redirect, on invalid
input the page with the form and its errors (422).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin, StaffRequiredMixin, deny
from samspil.core.exceptions import ConflictError
from samspil.core.forms import form_on_saved_version
from samspil.economy import forms, selectors, services
from samspil.organisations.models import Department, ExternalOrganisation, Unit
from samspil.pathways.models import Programme
from samspil.pathways.views import PathwayMixin, PathwayWriteView

# --- the pathway's economy page ----------------------------------------------------------------------------


def _row_forms(page) -> dict:
    built = {}
    for row in page.rows:
        key = row.intervention.public_id
        if page.can_contribute and services.intervention_authority(
            granting=page.granting_departments,
            coordinates=page.can_manage,
            department_id=row.intervention.granting_department_id,
            change=True,
        ):
            built[f"end-{key}"] = forms.InterventionEndForm(
                page=page, intervention=row.intervention, prefix=f"end-{key}"
            )
        if page.can_manage:
            built[f"financing-{key}"] = forms.FinancingForm(
                page=page, intervention=row.intervention, prefix=f"financing-{key}"
            )
    return built


def _page_context(request, pathway, bound_forms=None, page=None):
    page = page or selectors.pathway_economy(actor=request.user, pathway=pathway)
    context = {"page": page, "pathway": pathway, "forms": {}, "open_form": ""}
    if page.can_contribute:
        context["forms"] = {
            "intervention": forms.InterventionForm(page=page, prefix="intervention"),
            "exemption": forms.ExemptionForm(page=page, prefix="exemption"),
            "review": forms.ReviewRequestForm(page=page, prefix="review"),
        }
        for review in page.reviews:
            if page.may_withdraw(review):
                key = f"withdraw-{review.public_id}"
                context["forms"][key] = forms.ReviewWithdrawForm(page=page, review=review, prefix=key)
    context["forms"].update(_row_forms(page))
    for key, form in (bound_forms or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    return context


class EconomyPageView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "economy"

    def get(self, request, pathway_id):
        return render(request, "economy/pathway.html", _page_context(request, self.pathway))


class EconomyActionView(PathwayWriteView):
    """A write on the pathway's economy page (the parse → service → answer flow of `PathwayWriteView`)."""

    permission_action = policy.CONTRIBUTE
    access_shown = "economy"
    form_key = ""
    form_class = None
    success_message = ""
    on_intervention = False

    def form_kwargs(self, page) -> dict:
        return {}

    def perform(self, form):
        raise NotImplementedError

    def row_on(self, page):
        """The row of the intervention in the URL on `page` (None if the pathway has no such intervention)."""
        wanted = str(self.kwargs["intervention_id"])
        return next((row for row in page.rows if str(row.intervention.public_id) == wanted), None)

    def key(self) -> str:
        return f"{self.form_key}-{self.kwargs['intervention_id']}" if self.on_intervention else self.form_key

    def bound_form(self):
        page = selectors.pathway_economy(actor=self.request.user, pathway=self.pathway)
        if self.on_intervention:
            self.row = self.row_on(page)
            if self.row is None:
                raise Http404
        return self.form_class(self.request.POST, page=page, prefix=self.key(), **self.form_kwargs(page))

    def failure(self, form):
        template = "economy/_pathway.html" if self.request.htmx else "economy/pathway.html"
        return render(self.request, template, _page_context(self.request, self.pathway, {self.key(): form}), status=422)

    def conflict(self, form, error: ConflictError):
        """As on the plan pages: the user's input stays in the form, the version moves on to the saved one (so
        saving again, after looking at what is saved now, is deliberate), and the conflict message is shown."""
        page = selectors.pathway_economy(actor=self.request.user, pathway=self.pathway)
        current = self.row_on(page) if self.on_intervention else None
        if current is not None and "version" in form.fields:
            form = form_on_saved_version(form, saved_version=current.intervention.version, message=error.message)
        else:
            form.add_error(None, error.message)
        template = "economy/_pathway.html" if self.request.htmx else "economy/pathway.html"
        context = _page_context(self.request, self.pathway, {self.key(): form}, page=page)
        return render(self.request, template, context, status=422)

    def success(self):
        if self.request.htmx:
            return render(self.request, "economy/_pathway.html", _page_context(self.request, self.pathway))
        return HttpResponseRedirect(reverse("pathway_economy:page", args=[self.pathway.public_id]))


def analysis_meeting_warning(rule, starts_on=None) -> str:
    """The warning of *Én familie – én indgang*'s rule (`selectors.AnalysisMeetingRule`): one text for the page, the
    form and the message after granting."""
    if rule.held_on is None:
        return _(
            "No analysis meeting has been held on the family's pathway yet. In Én familie – én indgang the "
            "interdisciplinary analysis meeting is held before interventions are started."
        )
    return _(
        "The intervention starts before the family's first analysis meeting (held on %(date)s). In Én familie – én "
        "indgang the interdisciplinary analysis meeting is held before interventions are started."
    ) % {"date": rule.held_on.strftime("%d.%m.%Y")}


class InterventionAddView(EconomyActionView):
    form_key = "intervention"
    form_class = forms.InterventionForm
    warning = ""

    @property
    def success_message(self):
        return _("The intervention was granted.")

    def perform(self, form):
        from samspil.assessments.models import Finding

        data = form.cleaned_data
        wanted = data.get("findings") or []
        findings = list(Finding.objects.filter(pathway=self.pathway, public_id__in=wanted)) if wanted else []
        if len(findings) != len(set(wanted)):
            raise ValidationError(_("Choose only findings from this pathway's assessments."))
        intervention = services.intervention_grant(
            actor=self.request.user,
            pathway=self.pathway,
            service=form.chosen_service,
            granting_department=form.chosen_department,
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            quantity=data["quantity"],
            note=data.get("note", ""),
            findings=findings,
        )
        rule = selectors.analysis_meeting_rule(self.pathway)
        if rule.before(intervention.starts_on):
            self.warning = analysis_meeting_warning(rule)

    def success(self):
        if self.warning:  # granted all the same: the model's rule warns, it does not refuse
            messages.warning(self.request, self.warning)
        return super().success()


class InterventionEndView(EconomyActionView):
    form_key = "end"
    form_class = forms.InterventionEndForm
    on_intervention = True

    @property
    def success_message(self):
        return _("The end date of the intervention was saved.")

    def form_kwargs(self, page):
        return {"intervention": self.row_on(page).intervention}

    def perform(self, form):
        services.intervention_end(
            actor=self.request.user,
            pathway=self.pathway,
            intervention=self.row.intervention,
            ends_on=form.cleaned_data["ends_on"],
            expected_version=form.cleaned_data["version"],
        )


class FinancingDecideView(EconomyActionView):
    permission_action = policy.MANAGE
    form_key = "financing"
    form_class = forms.FinancingForm
    on_intervention = True

    @property
    def success_message(self):
        return _("The financing decision was saved.")

    def form_kwargs(self, page):
        return {"intervention": self.row_on(page).intervention}

    def perform(self, form):
        data = form.cleaned_data
        services.financing_decide(
            actor=self.request.user,
            pathway=self.pathway,
            intervention=self.row.intervention,
            shares=form.shares,
            reason=data["reason"],
            decided_on=data["decided_on"],
            family_motivated=data.get("family_motivated", False),
            motivation_note=data.get("motivation_note", ""),
            expected_version=data["version"],
        )


class ReviewRequestView(EconomyActionView):
    """Ask a controller to review the pathway's financing (anyone who works in the pathway)."""

    form_key = "review"
    form_class = forms.ReviewRequestForm

    @property
    def success_message(self):
        return _("The controller has been asked to review the financing.")

    def perform(self, form):
        services.financing_review_request(
            actor=self.request.user,
            pathway=self.pathway,
            controller=form.chosen_controller,
            intervention=form.chosen_intervention,
            question=form.cleaned_data["question"],
            shares=form.shares,
        )


class ReviewWithdrawView(EconomyActionView):
    form_key = "withdraw"
    form_class = forms.ReviewWithdrawForm

    @property
    def success_message(self):
        return _("The request for a review was withdrawn.")

    def key(self) -> str:
        return f"{self.form_key}-{self.kwargs['review_id']}"

    def bound_form(self):
        page = selectors.pathway_economy(actor=self.request.user, pathway=self.pathway)
        wanted = str(self.kwargs["review_id"])
        self.review = next((review for review in page.reviews if str(review.public_id) == wanted), None)
        if self.review is None:
            raise Http404
        return self.form_class(self.request.POST, page=page, prefix=self.key(), review=self.review)

    def perform(self, form):
        services.financing_review_withdraw(
            actor=self.request.user,
            pathway=self.pathway,
            review=self.review,
            expected_version=form.cleaned_data["version"],
        )


class ExemptionAddView(EconomyActionView):
    form_key = "exemption"
    form_class = forms.ExemptionForm

    @property
    def success_message(self):
        return _("The use of the exemption was registered.")

    def perform(self, form):
        data = form.cleaned_data
        services.exemption_register(
            actor=self.request.user,
            pathway=self.pathway,
            law=data["law"],
            paragraph=data["paragraph"],
            reason=data["reason"],
            used_on=data["used_on"],
            intervention=form.chosen_intervention,
        )


# --- management pages --------------------------------------------------------------------------------------


class ReportMixin(RoleRequiredMixin):
    """The cost reports: controllers (the municipality) and aggregate roles (the departments they lead)."""

    role_check = staticmethod(policy.can_read_cost_reports)


class OverviewView(ReportMixin, View):
    """Costs by department and programme, and over time: controllers all, aggregate roles their departments."""

    def get(self, request):
        overview = selectors.cost_overview(actor=request.user)
        return render(request, "economy/overview.html", {"overview": overview})


class DepartmentReportView(ReportMixin, View):
    def get(self, request, department_id):
        try:
            report = selectors.department_report(actor=request.user, department_public_id=department_id)
        except Http404:
            deny(request)  # not a department whose figures the user may see: as if it did not exist, and logged
        return render(request, "economy/department.html", {"report": report})


class ExemptionReportView(ReportMixin, View):
    def get(self, request):
        return render(request, "economy/exemptions.html", {"report": selectors.exemption_report(actor=request.user)})


class OperatingCostView(ReportMixin, View):
    """The unit cost per citizen per programme and month; registration for controllers and project leaders."""

    def prepare(self, request, **kwargs):
        self.can_register = services.can_register_operating_costs(request.user)

    def programmes(self):
        return list(Programme.objects.visible_to(self.request.user, policy.VIEW).order_by("name"))

    def render_page(self, form=None, status=200):
        rows = selectors.operating_cost_report(actor=self.request.user)
        if form is None and self.can_register:
            form = forms.OperatingCostForm(programmes=self.programmes())
        context = {
            "rows": rows,
            "chart": selectors.unit_cost_chart(rows),
            "form": form,
            "sees_all": policy.can_see_costs(self.request.user),
        }
        return render(self.request, "economy/operating_costs.html", context, status=status)

    def get(self, request):
        return self.render_page()

    def post(self, request):
        if not self.can_register:
            raise PermissionDenied
        form = forms.OperatingCostForm(request.POST, programmes=self.programmes())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.operating_cost_register(
                    actor=request.user,
                    programme=form.chosen_programme,
                    month=data["month"],
                    element=data["element"],
                    amount=data["amount"],
                    note=data.get("note", ""),
                    replaces=data.get("replaces"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except services.OperatingCostExists as error:
                # Keep the input; the hidden field now names the amount registered, so saving again replaces it.
                data = form.data.copy()
                data["replaces"] = str(error.current)
                form = forms.OperatingCostForm(data, programmes=self.programmes())
                form.is_valid()
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The operating cost was registered."))
                return HttpResponseRedirect(reverse("economy:operating_costs"))
        return self.render_page(form, status=422)


class ServiceListView(StaffRequiredMixin, View):
    """The catalogue: prices are no personal data, so every staff member of the municipality may read it."""

    def get(self, request):
        context = {
            "services": selectors.service_catalogue(actor=request.user),
            "can_edit": policy.can_see_costs(request.user),
        }
        return render(request, "economy/services.html", context)


class ServiceEditView(RoleRequiredMixin, View):
    """Create (no `service_id`) or change a catalogue entry: controllers only (others 404, logged)."""

    role_check = staticmethod(policy.can_see_costs)

    def prepare(self, request, **kwargs):
        service_id = kwargs.get("service_id")
        self.service = selectors.service_get(actor=request.user, public_id=service_id) if service_id else None

    def get_form(self, data=None):
        user = self.request.user
        return forms.ServiceForm(
            data,
            departments=list(Department.objects.visible_to(user, policy.VIEW).order_by("name")),
            units=list(Unit.objects.visible_to(user, policy.VIEW).select_related("department")),
            organisations=list(ExternalOrganisation.objects.visible_to(user, policy.VIEW).order_by("name")),
            service=self.service,
        )

    def render_form(self, form, status=200):
        return render(self.request, "economy/service_form.html", {"form": form, "service": self.service}, status=status)

    def get(self, request, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                if self.service is None:
                    services.service_create(actor=request.user, **form.values())
                else:
                    services.service_update(
                        actor=request.user,
                        service=self.service,
                        expected_version=form.cleaned_data.get("version") or 0,
                        **form.values(),
                    )
            except ValidationError as error:
                form.add_error(None, error)
            except ConflictError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The service was saved."))
                return HttpResponseRedirect(reverse("economy:services"))
        return self.render_form(form, status=422)


# --- the controller's review of a pathway's financing ------------------------------------------------------


class ReviewListView(RoleRequiredMixin, View):
    """The reviews asked of the controller: open ones to answer, answered and withdrawn ones kept as a record. The
    pathways are named by reference, programme and coordinating department only: no citizen data, not logged."""

    role_check = staticmethod(policy.can_see_costs)

    def get(self, request):
        return render(request, "economy/reviews.html", {"reviews": selectors.controller_reviews(actor=request.user)})


class ReviewView(RoleRequiredMixin, View):
    """One open review for the controller it names: the pathway's interventions, costs and financing decisions
    without its case content, and the answer form. 404 (logged) for anyone else and once the review is answered or
    withdrawn: the live financing is shown only while the review is open.

    The page shows no name, but the costs are the citizens' (or the family's) data: every response that shows them
    writes one access-log row per subject of the pathway (`economy.review`, via `grant`: access the team gave for a
    limited time, as a grant)."""

    role_check = staticmethod(policy.can_see_costs)

    def prepare(self, request, **kwargs):
        try:
            self.page = selectors.review_page(actor=request.user, public_id=kwargs["review_id"])
        except Http404:
            deny(request)

    def get_form(self, data=None):
        return forms.ReviewAnswerForm(data, departments=self.page.departments, review=self.page.review)

    def render_page(self, form, status=200):
        from samspil.audit.choices import AccessPurpose, AccessVia
        from samspil.audit.services import access_record

        response = render(self.request, "economy/review.html", {"page": self.page, "form": form}, status=status)
        access_record(
            actor=self.request.user,
            citizens=self.page.subjects,
            shown="economy.review",
            purpose=AccessPurpose.COORDINATION,
            pathway=self.page.review.pathway,
            via=AccessVia.GRANT,
        )
        return response

    def get(self, request, review_id):
        return self.render_page(self.get_form())

    def post(self, request, review_id):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.financing_review_answer(
                    actor=request.user,
                    review=self.page.review,
                    verdict=form.cleaned_data["verdict"],
                    comment=form.cleaned_data.get("comment", ""),
                    shares=form.shares,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ConflictError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your review was recorded and is shown to the pathway's team."))
                return HttpResponseRedirect(reverse("economy:reviews"))
        return self.render_page(form, status=422)
