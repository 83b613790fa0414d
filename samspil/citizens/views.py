from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin
from samspil.audit.services import access_denied_record
from samspil.citizens import forms, selectors, services
from samspil.pathways import selectors as pathway_selectors
from samspil.pathways import services as pathway_services
from samspil.segmentation import selectors as segmentation_selectors
from samspil.segmentation import services as segmentation_services


def ask_for_second_pathway_reason(view, refused, form, form_asking_reason):
    """Refused: the citizen (or a family member) has an open pathway. Name its coordinator on the page (a glimpse,
    logged) and ask for the reason a second one needs, on a form that has the reason field."""
    known = {pathway.pk for pathway in view.open_pathways}
    more = [pathway for pathway in refused.existing if pathway.pk not in known]
    view.open_pathways += selectors.open_pathways_glimpse(actor=view.request.user, pathways=more)
    if "second_pathway_reason" not in form.fields:
        form = form_asking_reason()
        form.is_valid()
    form.add_error("second_pathway_reason", refused)
    return form


class CaseWorkMixin(RoleRequiredMixin):
    """Intake pages are for staff in case roles; everyone else gets 404 (nothing to see here), logged.

    `prepare(request, **kwargs)` loads what the page is about, after the role check.
    """

    role_check = staticmethod(policy.can_do_case_work)


@method_decorator(sensitive_post_parameters("query"), name="dispatch")
class CitizenSearchView(CaseWorkMixin, View):
    """Search by name or CPR number. POST only for the query, so a CPR number never travels in a URL."""

    def get(self, request):
        return render(request, "citizens/search.html", {"form": forms.CitizenSearchForm()})

    def post(self, request):
        form = forms.CitizenSearchForm(request.POST)
        results = None
        if form.is_valid():
            results = selectors.citizen_search(actor=request.user, query=form.cleaned_data["query"])
        template = "citizens/_results.html" if request.htmx else "citizens/search.html"
        return render(request, template, {"form": form, "results": results}, status=200 if form.is_valid() else 422)


@method_decorator(sensitive_post_parameters("cpr_number"), name="dispatch")
class CitizenCreateView(CaseWorkMixin, View):
    def get(self, request):
        return render(request, "citizens/create.html", {"form": forms.CitizenCreateForm()})

    def post(self, request):
        form = forms.CitizenCreateForm(request.POST)
        existing = None
        if form.is_valid():
            try:
                citizen = services.citizen_create(
                    actor=request.user,
                    **{
                        key: form.cleaned_data[key]
                        for key in ("first_name", "last_name", "phone", "email", "street", "postcode", "city")
                    },
                    cpr_number=form.cleaned_data["cpr_number"],
                )
            except services.DuplicateCitizen as duplicate:
                existing = selectors.citizen_for_intake(actor=request.user, public_id=duplicate.existing.public_id)
                form.add_error("cpr_number", _("A citizen with this CPR number is already registered."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)s was registered.") % {"name": citizen})
                return HttpResponseRedirect(reverse("citizens:open_pathway", args=[citizen.public_id]))
        return render(request, "citizens/create.html", {"form": form, "existing": existing}, status=422)


class PathwayOpenView(CaseWorkMixin, View):
    def prepare(self, request, **kwargs):
        self.citizen = selectors.citizen_for_intake(actor=request.user, public_id=kwargs["citizen_id"])
        self.programmes = pathway_selectors.programmes_to_coordinate(actor=request.user)

    def page(self, form, status=200):
        context = {"form": form, "citizen": self.citizen, "open_pathways": self.open_pathways}
        return render(self.request, "citizens/open_pathway.html", context, status=status)

    def get(self, request, citizen_id):
        self.open_pathways = self.citizen.open_pathways
        return self.page(forms.PathwayOpenForm(programmes=self.programmes, ask_reason=bool(self.open_pathways)))

    def post(self, request, citizen_id):
        self.open_pathways = self.citizen.open_pathways
        form = forms.PathwayOpenForm(request.POST, programmes=self.programmes, ask_reason=bool(self.open_pathways))
        if form.is_valid():
            try:
                pathway = pathway_services.pathway_open(
                    actor=request.user,
                    programme=form.cleaned_data["programme"],
                    citizen=self.citizen,
                    referral_reason=form.cleaned_data["referral_reason"],
                    second_pathway_reason=form.cleaned_data.get("second_pathway_reason", ""),
                )
            except pathway_services.OpenPathwayExists as refused:
                form = ask_for_second_pathway_reason(
                    self,
                    refused,
                    form,
                    lambda: forms.PathwayOpenForm(request.POST, programmes=self.programmes, ask_reason=True),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The pathway was opened. You are its coordinator."))
                return HttpResponseRedirect(reverse("pathways:overview", args=[pathway.public_id]))
        return self.page(form, status=422)


# --- referrals from segmentation: the coordinator's side ----------------------------------------------------


class ReferralListView(CaseWorkMixin, View):
    """The open referrals addressed to the user (`/borgere/henvisninger/`); each read is logged."""

    def get(self, request):
        referrals = segmentation_selectors.referral_list(request.user)
        return render(request, "citizens/referrals.html", {"referrals": referrals})


class ReferralMixin(CaseWorkMixin):
    """A referral addressed to the user (404 for anyone else), with its take-on and decline forms."""

    reveal_cpr = False

    def prepare(self, request, **kwargs):
        try:
            self.referral = segmentation_selectors.referral_get(
                request.user, kwargs["referral_id"], reveal_cpr=self.reveal_cpr
            )
        except Http404:  # not addressed to the user (or no such referral): the same 404, and the denial is logged
            access_denied_record(actor=request.user, path=request.path, municipality_id=request.user.municipality_id)
            raise
        citizen = self.referral.citizen
        self.open_pathways = []
        if citizen is not None and self.referral.is_open:
            self.open_pathways = selectors.open_pathways_glimpse(
                actor=request.user, pathways=pathway_services.open_pathways_of(citizen_ids=[citizen.pk])
            )

    def take_form(self, data=None, *, ask_reason=False):
        return forms.ReferralTakeForm(
            data,
            registered=self.referral.citizen is not None,
            ask_reason=ask_reason or bool(self.open_pathways),
            initial={"referral_reason": self.referral.note},
            prefix="take",
        )

    def page(self, *, take_form=None, decline_form=None, status=200):
        context = {
            "referral": self.referral,
            "open_pathways": self.open_pathways,
            "take_form": take_form or self.take_form(),
            "decline_form": decline_form or forms.ReferralDeclineForm(prefix="decline"),
        }
        return render(self.request, "citizens/referral.html", context, status=status)


class ReferralView(ReferralMixin, View):
    def get(self, request, referral_id):
        return self.page()


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ReferralCprView(ReferralMixin, View):
    """Show the referred person's full CPR number (POST, so it never sits in a URL or a link); logged."""

    reveal_cpr = True

    def post(self, request, referral_id):
        return self.page()


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ReferralTakeView(ReferralMixin, View):
    def post(self, request, referral_id):
        form = self.take_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pathway = segmentation_services.referral_take(
                    actor=request.user,
                    referral=self.referral,
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    referral_reason=data["referral_reason"],
                    second_pathway_reason=data.get("second_pathway_reason", ""),
                )
            except pathway_services.OpenPathwayExists as refused:
                form = ask_for_second_pathway_reason(
                    self, refused, form, lambda: self.take_form(request.POST, ask_reason=True)
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The pathway was opened. You are its coordinator."))
                return HttpResponseRedirect(reverse("pathways:overview", args=[pathway.public_id]))
        return self.page(take_form=form, status=422)


class ReferralDeclineView(ReferralMixin, View):
    def post(self, request, referral_id):
        form = forms.ReferralDeclineForm(request.POST, prefix="decline")
        if form.is_valid():
            try:
                segmentation_services.referral_decline(
                    actor=request.user, referral=self.referral, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The referral was declined."))
                return HttpResponseRedirect(reverse("citizens:referrals"))
        return self.page(decline_form=form, status=422)
