from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from samspil.access import policy
from samspil.citizens import forms, selectors, services
from samspil.pathways import selectors as pathway_selectors
from samspil.pathways import services as pathway_services


class CaseWorkMixin(LoginRequiredMixin):
    """Intake pages are for staff in case roles; everyone else gets 404 (nothing to see here)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policy.can_do_case_work(request.user):
            raise Http404
        self.prepare(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, **kwargs):
        """Load what the page is about, after the role check."""


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
                # A family member's open pathway counts too: name its coordinator and ask for the reason.
                known = {pathway.pk for pathway in self.open_pathways}
                more = [pathway for pathway in refused.existing if pathway.pk not in known]
                self.open_pathways += selectors.open_pathways_glimpse(actor=request.user, pathways=more)
                if "second_pathway_reason" not in form.fields:
                    form = forms.PathwayOpenForm(request.POST, programmes=self.programmes, ask_reason=True)
                    form.is_valid()
                form.add_error("second_pathway_reason", refused)
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The pathway was opened. You are its coordinator."))
                return HttpResponseRedirect(reverse("pathways:overview", args=[pathway.public_id]))
        return self.page(form, status=422)
