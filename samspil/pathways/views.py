"""Pathway pages. Views parse input, call one selector or service, and render; the mixin does the scoping."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.models import AccessGrant, Consent
from samspil.access.views import RoleRequiredMixin, StaffRequiredMixin, deny
from samspil.audit.choices import SHOWN_LABELS, AccessPurpose
from samspil.citizens import services as citizen_services
from samspil.core import form_cache
from samspil.core.views import FormPostMixin
from samspil.pathways import forms, fragments, selectors, services, worklist
from samspil.pathways.choices import PathwayStatus, TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember


def shows_pathway(response) -> bool:
    """Whether a response shows the pathway's data: a 2xx that is not a redirect (an HTMX one included, and not
    204 No Content), or a 422 (a form re-rendered with its errors on the page)."""
    if response.status_code == 422:
        return True
    if not 200 <= response.status_code < 300 or response.status_code == 204:
        return False
    return not any(header in response for header in ("HX-Redirect", "HX-Location", "HX-Refresh"))


class PathwayScope:
    """The scope and the access log of one pathway, for every view about it (pages through `PathwayMixin`, the API
    through `api.views.PathwayApiView`).

    Subclasses must set `permission_action` (the action the request needs) and `access_shown` (what a response that
    shows the pathway shows, as an access-log code from `audit.choices.SHOWN_LABELS`); a view without either fails
    at its first request. `resolve_pathway` reads the pathway through the policy before any handler runs (404 out
    of scope, 403 for a stronger action, both logged); `log_read` writes the access-log rows for a response that
    shows data: one per citizen shown, the basis (`via`) from `pathway.access`. So every read is logged by
    construction, and a handler never logs itself.
    """

    permission_action: str = None
    access_shown: str = None
    access_purpose: str = AccessPurpose.COORDINATION
    # Who the response showed, when the handler showed more (or fewer) people than the pathway's subjects: the
    # overview's custody holders, the one citizen of a CPR reveal. None: the subjects.
    access_citizens: list | None = None

    def pathway_annotations(self) -> dict:
        """Figures about the pathway this page shows, read in the same query that resolves it (see `pathway_get`)."""
        return {}

    def check_scope_attributes(self) -> None:
        name = type(self).__name__
        if self.permission_action not in policy.ACTIONS:
            raise ValueError(f"{name} must set permission_action")
        if self.access_shown not in SHOWN_LABELS:
            raise ValueError(f"{name} must set access_shown to a code of audit.choices.SHOWN_LABELS")

    def resolve_pathway(self, request, pathway_id) -> Pathway:
        self.pathway = selectors.pathway_get(
            actor=request.user,
            public_id=pathway_id,
            action=self.permission_action,
            path=request.path,
            annotations=self.pathway_annotations,  # made only when the query is built (`selectors.pathway_get`)
        )
        return self.pathway

    def access_read(self) -> tuple[str, list | None]:
        """What a response that shows data has shown: (the access-log code, the citizens or None for the subjects).

        Override it when a response shows something more specific than `access_shown` (the PDF's edition).
        """
        return self.access_shown, self.access_citizens

    def log_read(self, response) -> None:
        # HEAD and OPTIONS answer without a body: nothing of the pathway reaches the user.
        if self.request.method in ("HEAD", "OPTIONS") or not shows_pathway(response):
            return
        shown, citizens = self.access_read()
        selectors.pathway_log_read(
            actor=self.request.user, pathway=self.pathway, shown=shown, purpose=self.access_purpose, citizens=citizens
        )


class PathwayMixin(PathwayScope, LoginRequiredMixin):
    """Every pathway-scoped page: resolves the pathway through the policy, or answers 404 (and logs it), and logs
    every response that shows the pathway in the access log (`PathwayScope`)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_scope_attributes()
        self.resolve_pathway(request, kwargs["pathway_id"])
        response = super().dispatch(request, *args, **kwargs)
        self.log_read(response)
        return response


# "?vis=alle" on the overview: every row of its lists, not the first `selectors.OVERVIEW_LIST_SIZE`.
SHOW_ALL_PARAMETER, SHOW_ALL_VALUE = "vis", "alle"


def _overview_context(request, pathway, bound_forms=None):
    from samspil.portal.choices import PortalLevel
    from samspil.portal.rights import portal_people

    show_all = request.method == "GET" and request.GET.get(SHOW_ALL_PARAMETER) == SHOW_ALL_VALUE
    if show_all:
        overview = selectors.pathway_overview(
            actor=request.user, pathway=pathway, limit=None, timeline_size=selectors.OVERVIEW_TIMELINE_ALL
        )
    else:
        overview = selectors.pathway_overview(actor=request.user, pathway=pathway)
    context = {"overview": overview, "pathway": pathway, "forms": {}, "open_form": "", "show_all": show_all}
    # Who may use the pathway in the portal (the people the page names anyway; the levels come with the pathway).
    context["portal_people"] = portal_people(pathway, subjects=overview.citizens, guardianships=overview.guardianships)
    context["portal_levels"] = PortalLevel.choices
    if pathway.access.is_coordinator:
        # Forms with choices from the database (staff, partners, departments, family) are loaded when opened
        # (see PathwayActionView.get): the overview stays fast and its queries few, whatever the municipality.
        # The two shown at once depend only on the pathway's status, kind and version, the language and the day:
        # their fields are rendered once per process for each of those (`form_cache`), not on every view.
        context["forms"] = {
            "status": form_cache.unbound_form(
                lambda: forms.StatusChangeForm(pathway=pathway, prefix="status"),
                key=("status", pathway.status, bool(pathway.citizen_id), pathway.version),
            ),
            "network": form_cache.unbound_form(
                lambda: forms.NetworkMemberForm(pathway=pathway, prefix="network"), key=("network",)
            ),
        }
    for key, form in (bound_forms or {}).items():
        context["forms"][key] = form
        context["open_form"] = key
    return context


class OverviewRenderMixin:
    """A view that answers with the overview: the read shows the subjects and their custody holders."""

    def overview_context(self, bound_forms=None):
        context = _overview_context(self.request, self.pathway, bound_forms)
        self.access_citizens = context["overview"].shown_citizens
        return context


class PathwayOverviewView(OverviewRenderMixin, PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "pathway.overview"

    def pathway_annotations(self):
        from samspil.assessments.selectors import overview_annotations as assessment_annotations
        from samspil.coreteams.selectors import overview_annotations as coreteam_annotations
        from samspil.documents.selectors import unread_messages_annotation
        from samspil.meetings.selectors import meeting_rules_annotations
        from samspil.portal.rights import portal_rights_annotation

        return {
            **meeting_rules_annotations(),
            **assessment_annotations(),
            **coreteam_annotations(),
            **portal_rights_annotation(),
            **unread_messages_annotation(self.request.user),
        }

    def get(self, request, pathway_id):
        """The overview's body is rendered once per change of the pathway, viewer's rights and "show all"
        (`pathways.fragments`); the viewer's own unread messages are put in on every view, and the citizens the
        body names (for the access log) are kept with it."""
        from samspil.citizens.models import Citizen

        pathway, access = self.pathway, self.pathway.access
        show_all = request.GET.get(SHOW_ALL_PARAMETER) == SHOW_ALL_VALUE
        body = fragments.pathway_part(
            request,
            pathway=pathway,
            name="overview",
            variant=(access.may_contribute, access.is_coordinator, access.via, show_all),
            template_name="pathways/_overview_body.html",
            context=lambda: _overview_context(request, pathway),
            remember=lambda context: [(c.pk, c.municipality_id) for c in context["overview"].shown_citizens],
            per_view={"unread_badge": lambda: render_to_string("pathways/_unread_badge.html", {"p": pathway}, request)},
        )
        self.access_citizens = [Citizen(pk=pk, municipality_id=municipality) for pk, municipality in body.remembered]
        return render(request, "pathways/overview.html", {"pathway": pathway, "overview_body": body.html})


class PathwayWriteView(PathwayMixin, FormPostMixin, View):
    """A form posted on a pathway's page: parse it, call one service, answer (`core.views.FormPostMixin`).

    Valid and saved: the success message and `success()` (the refreshed page for HTMX, else a redirect).
    Invalid, or refused by the service: `failure(form)`, the page with the form and its errors (422), nothing
    saved. Saved by someone else meanwhile (`ConflictError`): `conflict(form, error)`, by default the same as
    a refusal. Subclasses build the bound form (`bound_form`) and call the service (`perform`).
    """


class PathwayActionView(OverviewRenderMixin, PathwayWriteView):
    """A write on the overview page. On success: the refreshed overview (HTMX) or a redirect.

    On invalid input the overview comes back with the form and its errors (422), nothing saved. A GET answers the
    empty form (`pathway.form` in the access log: it names the citizen, and its choices may name the people around
    them).
    """

    permission_action = policy.MANAGE
    access_shown = "pathway.overview"
    form_key: str = ""
    form_class = None

    def access_read(self):
        if self.request.method == "GET":
            return "pathway.form", self.access_citizens
        return super().access_read()

    def form_citizens(self, form) -> list | None:
        """The citizens an empty form names besides the subjects (its choices); None: the subjects only."""
        return None

    @property
    def submit_label(self):
        return _("Save")

    def get_form(self, data=None):
        return self.form_class(data, pathway=self.pathway, prefix=self.form_key)

    def get(self, request, pathway_id, **kwargs):
        """The empty form: a fragment for a <details> opened on the overview, or a page of its own without JS."""
        form = self.get_form()
        context = {"pathway": self.pathway, "form": form, "submit": self.submit_label, "action": request.path}
        self.access_citizens = self.form_citizens(form)
        template = "pathways/_form_body.html" if request.htmx else "pathways/action_form.html"
        return render(request, template, context)

    def bound_form(self):
        return self.get_form(self.request.POST)

    def success(self):
        if self.request.htmx:
            # Read again after the write: the status, the team and the actor's own access may have changed.
            self.pathway = selectors.pathway_get(actor=self.request.user, public_id=self.pathway.public_id)
            return render(self.request, "pathways/_overview.html", self.overview_context())
        return HttpResponseRedirect(reverse("pathways:overview", args=[self.pathway.public_id]))

    def failure(self, form):
        template = "pathways/_overview.html" if self.request.htmx else "pathways/overview.html"
        return render(self.request, template, self.overview_context({self.form_key: form}), status=422)


class StatusChangeView(PathwayActionView):
    form_key = "status"
    form_class = forms.StatusChangeForm

    @property
    def success_message(self):
        return _("The status was changed.")

    def perform(self, form):
        if form.cleaned_data["to_status"] == PathwayStatus.CLOSED:
            from samspil.results import services as results_services
            from samspil.results.forms import for_form

            try:
                results_services.pathway_close(
                    actor=self.request.user,
                    pathway=self.pathway,
                    reason=form.cleaned_data["reason"],
                    outcome=form.cleaned_data["outcome"],
                    expected_version=form.cleaned_data["version"],
                    closing_status=form.closing_status(),
                )
            except ValidationError as error:
                raise for_form(form, error, prefix=form.CLOSING_PREFIX) from None
            return
        services.pathway_change_status(
            actor=self.request.user,
            pathway=self.pathway,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )


class GuardianAddView(PathwayActionView):
    form_key = "guardian"
    form_class = forms.GuardianForm

    @property
    def submit_label(self):
        return _("Register custody holder")

    @property
    def success_message(self):
        return _("The custody holder was registered.")

    def perform(self, form):
        data = form.cleaned_data
        citizen_services.guardian_register(
            actor=self.request.user,
            pathway=self.pathway,
            child=data["child"],
            cpr_number=data["cpr_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            relation=data["relation"],
            has_custody=data["has_custody"],
            lives_in_home=data.get("lives_in_home", False),
        )


class CoordinatorChangeView(PathwayActionView):
    form_key = "coordinator"
    form_class = forms.CoordinatorForm

    @property
    def submit_label(self):
        return _("Hand over")

    @property
    def success_message(self):
        return _("Coordination was handed over.")

    def perform(self, form):
        data = form.cleaned_data
        services.pathway_change_coordinator(
            actor=self.request.user,
            pathway=self.pathway,
            membership=data["membership"],
            expected_version=data["version"],
            reason=data["reason"],
        )


class TeamAddView(PathwayActionView):
    form_classes = {
        TeamMemberKind.STAFF: forms.StaffMemberForm,
        TeamMemberKind.EXTERNAL: forms.ExternalMemberForm,
        TeamMemberKind.NETWORK: forms.NetworkMemberForm,
    }
    form_keys = {TeamMemberKind.STAFF: "staff", TeamMemberKind.EXTERNAL: "external", TeamMemberKind.NETWORK: "network"}

    @property
    def success_message(self):
        return _("The team member was added.")

    @property
    def submit_label(self):
        return _("Add to the team")

    def get_form(self, data=None):
        kind = self.kwargs["kind"]
        self.form_key = self.form_keys[kind]
        return self.form_classes[kind](data, pathway=self.pathway, prefix=self.form_key)

    def perform(self, form):
        data = form.cleaned_data
        kind = self.kwargs["kind"]
        common = {"actor": self.request.user, "pathway": self.pathway, "kind": kind, "active_from": data["active_from"]}
        if kind == TeamMemberKind.STAFF:
            membership = data["membership"]
            services.team_member_add(
                **common, role=data["role"], user=membership.user, department=membership.department
            )
        elif kind == TeamMemberKind.EXTERNAL:
            services.team_member_add(**common, role=data["role"], external_contact=data["external_contact"])
        else:
            services.team_member_add(
                **common,
                role="network",
                name=data["name"],
                relation=data["relation"],
                phone=data["phone"],
                email=data["email"],
            )


class TeamEndView(PathwayActionView):
    form_class = forms.EndMemberForm

    @property
    def form_key(self):
        return f"end-{self.kwargs['member_id']}"

    @property
    def success_message(self):
        return _("The team member's place on the team was ended.")

    def perform(self, form):
        member = get_object_or_404(TeamMember.objects.filter(pathway=self.pathway), public_id=self.kwargs["member_id"])
        services.team_member_end(
            actor=self.request.user,
            member=member,
            reason=form.cleaned_data["reason"],
            active_to=form.cleaned_data["active_to"],
        )


class ConsentRecordView(PathwayActionView):
    form_key = "consent"
    form_class = forms.ConsentRecordForm

    def form_citizens(self, form):
        # The form offers the subjects and their current custody holders as the one who consents.
        return list(form.fields["giver"].queryset)

    @property
    def submit_label(self):
        return _("Record consent")

    @property
    def success_message(self):
        return _("The consent was recorded.")

    def perform(self, form):
        data = form.cleaned_data
        services.consent_record(
            actor=self.request.user,
            pathway=self.pathway,
            giver=data["giver"],
            purpose=data["purpose"],
            departments=data["departments"],
            form=data["form"],
            given_on=data["given_on"],
            expires_on=data["expires_on"],
        )


class ConsentWithdrawView(PathwayActionView):
    form_class = forms.ConsentWithdrawForm

    @property
    def form_key(self):
        return f"withdraw-{self.kwargs['consent_id']}"

    @property
    def success_message(self):
        return _("The withdrawal was recorded. The departments lost access at once.")

    def perform(self, form):
        consent = get_object_or_404(Consent.objects.filter(pathway=self.pathway), public_id=self.kwargs["consent_id"])
        services.consent_withdraw(actor=self.request.user, consent=consent, reason=form.cleaned_data["reason"])


class LegalBasisView(PathwayActionView):
    form_key = "legal_basis"
    form_class = forms.LegalBasisForm

    @property
    def submit_label(self):
        return _("Record legal basis")

    @property
    def success_message(self):
        return _("The legal basis was recorded.")

    def perform(self, form):
        data = form.cleaned_data
        services.legal_basis_record(
            actor=self.request.user,
            pathway=self.pathway,
            department=data["department"],
            reference=data["reference"],
            note=data["note"],
        )


class GrantCreateView(PathwayActionView):
    form_key = "grant"
    form_class = forms.GrantForm

    @property
    def submit_label(self):
        return _("Give access")

    @property
    def success_message(self):
        return _("Access was given.")

    def perform(self, form):
        data = form.cleaned_data
        end_of_day = datetime.datetime.combine(data["valid_until"], datetime.time(23, 59, 59))
        services.grant_create(
            actor=self.request.user,
            pathway=self.pathway,
            user=data["membership"].user,
            reason=data["reason"],
            valid_until=timezone.make_aware(end_of_day),
        )


class GrantRevokeView(PathwayMixin, View):
    permission_action = policy.MANAGE
    access_shown = "pathway.overview"  # it answers with a redirect to the overview, which logs its own read

    def post(self, request, pathway_id, grant_id):
        grant = get_object_or_404(AccessGrant.objects.filter(pathway=self.pathway), public_id=grant_id)
        services.grant_revoke(actor=request.user, grant=grant)
        messages.success(request, _("The access was revoked."))
        return HttpResponseRedirect(reverse("pathways:overview", args=[self.pathway.public_id]) + "#adgang")


class CprRevealView(PathwayMixin, View):
    """Shows one CPR number in full, on an explicit request (POST): logged for that citizen only."""

    permission_action = policy.VIEW
    access_shown = "citizen.cpr"

    def post(self, request, pathway_id, citizen_id):
        citizen, number = selectors.pathway_reveal_cpr(
            actor=request.user, pathway=self.pathway, citizen_public_id=citizen_id
        )
        self.access_citizens = [citizen]
        context = {"citizen": citizen, "cpr_number": number, "pathway": self.pathway}
        if request.htmx:
            return render(request, "pathways/_cpr.html", context)
        return render(request, "pathways/cpr.html", context)


class AccessLogView(PathwayMixin, View):
    permission_action = policy.MANAGE
    access_shown = "pathway.access_log"
    access_purpose = AccessPurpose.ACCESS_REVIEW

    def get(self, request, pathway_id):
        from samspil.pathways.access_log import AccessLogFilterForm

        people = selectors.pathway_access_log_people(actor=request.user, pathway=self.pathway)
        form = AccessLogFilterForm(request.GET, people=people)
        page = None
        if form.is_valid():
            page = selectors.pathway_access_log(actor=request.user, pathway=self.pathway, filters=form.filters())
        denials = selectors.pathway_denials(actor=request.user, pathway=self.pathway)
        changes = selectors.pathway_change_log(actor=request.user, pathway=self.pathway)
        return render(
            request,
            "pathways/access_log.html",
            {"pathway": self.pathway, "form": form, "page": page, "denials": denials, "changes": changes},
            status=200 if page is not None else 422,
        )


class BreakGlassView(RoleRequiredMixin, View):
    """Open a pathway outside one's scope by giving a reason. Reached from the intake search.

    For caseworkers and team leaders (`policy.can_break_glass`); anyone else, and a pathway of another
    municipality, gets 404 (logged). The page names no citizen.
    """

    role_check = staticmethod(policy.can_break_glass)

    def prepare(self, request, **kwargs):
        self.pathway = (
            Pathway.objects.select_related("programme")
            .filter(municipality_id=request.user.municipality_id, public_id=kwargs["pathway_id"])
            .first()
        )
        if self.pathway is None:
            deny(request)

    def get(self, request, pathway_id):
        form = forms.BreakGlassForm(pathway=self.pathway)
        return render(request, "pathways/break_glass.html", {"pathway": self.pathway, "form": form})

    def post(self, request, pathway_id):
        form = forms.BreakGlassForm(request.POST, pathway=self.pathway)
        if form.is_valid():
            try:
                services.break_glass_open(actor=request.user, pathway=self.pathway, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.warning(
                    request,
                    _("You have opened the pathway with break-glass. The coordinator can see this and your reason."),
                )
                return HttpResponseRedirect(reverse("pathways:overview", args=[self.pathway.public_id]))
        return render(request, "pathways/break_glass.html", {"pathway": self.pathway, "form": form}, status=422)


class WorklistView(StaffRequiredMixin, View):
    """What needs doing in the pathways the user coordinates."""

    def get(self, request):
        page = worklist.worklist_for_page(actor=request.user, cursor=request.GET.get("efter", ""))
        return render(request, "pathways/worklist.html", {"worklist": page})


class MyPathwaysView(StaffRequiredMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        if status not in PathwayStatus.values:
            status = ""
        programme = request.GET.get("programme", "")
        # Read only when asked: the filter form is not shown on an empty list without a filter.
        programmes = SimpleLazyObject(lambda: selectors.programmes_to_filter_by(actor=request.user))
        if programme and not any(str(p.public_id) == programme for p in programmes):
            programme = ""
        page = selectors.pathway_list_mine(
            actor=request.user,
            status=status,
            programme_id=programme or None,
            cursor=request.GET.get("efter", ""),
            page_size=settings.SAMSPIL_PAGE_SIZE,
            as_rows=True,
        )
        tasks = worklist.worklist_totals(actor=request.user) if policy.can_do_case_work(request.user) else None
        return render(
            request,
            "pathways/mine.html",
            {
                "page": page,
                "status": status,
                "programme": programme,
                "programmes": programmes,
                "statuses": PathwayStatus.choices,
                "tasks": tasks,
            },
        )
