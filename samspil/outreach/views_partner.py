"""Drop-in staff's pages (`/partner/vaerested/…`, namespace `outreach_partner`): a partner account whose contact
person belongs to a drop-in centre with a cooperation agreement in force (`access.partner_centre`).

- `home`: the conversations registered at their own centre, newest first (keyset pages, `?efter=`);
- `create`: register a conversation at their own centre (the same form as staff: the centre fixed, the department
  required, the citizen anonymous or by the centre's name for them — never a CPR number);
- `person_search`: returning citizens' names at their centre as they type (HTMX);
- `registration`: one conversation at their centre; the case content (topics, decisions, notes, follow-up) only of
  the conversations they registered themselves, never a registered citizen's name;
- `rating_link` (POST): the one-time link and QR code for the citizen's rating.

Every page inherits `OutreachPartnerMixin`: anyone else gets 404 (logged), the anonymous the log-in page; every
response that shows people logs them (via partner, purpose coordination).
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from samspil.audit.services import access_denied_record
from samspil.outreach import selectors_contacts, services_contacts
from samspil.outreach.views_base import OutreachPartnerMixin
from samspil.outreach.views_contacts import (
    decorate,
    has_rating,
    rating_answers,
    rating_link_response,
    refused,
    register,
    registration_form,
)

PARTNER_BASE = "partners/base.html"


class PartnerPage(OutreachPartnerMixin, View):
    def registrations(self):
        return selectors_contacts.centre_registrations(self.centre)


class PartnerRegistrationPage(PartnerPage):
    """A conversation at the account's own centre (`registration_id`); any other: 404, logged."""

    def dispatch(self, request, *args, **kwargs):
        self.registration_id = kwargs.get("registration_id")
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        registration = selectors_contacts.registration_get(self.registrations(), self.registration_id)
        if registration is None:
            access_denied_record(
                actor=self.request.user, path=self.request.path, municipality_id=self.request.user.municipality_id
            )
            raise Http404
        self.registration = registration
        return registration

    def shown_people(self):
        return [self.registration]


class PartnerHomeView(PartnerPage):
    access_shown = "outreach.registrations"

    def get(self, request):
        page = selectors_contacts.registration_page(self.registrations(), cursor=request.GET.get("efter", "").strip())
        self.rows = [decorate(registration) for registration in page.rows]
        next_query = urlencode({"efter": page.next_cursor}) if page.next_cursor else ""
        context = {"centre": self.centre, "rows": self.rows, "next_query": next_query}
        return render(request, "outreach/partner/home.html", context)

    def shown_people(self):
        return self.rows


class PartnerCreateView(PartnerPage):
    access_shown = "none"

    def get(self, request):
        defaults = selectors_contacts.partner_defaults(request.user, self.centre)
        initial = {"element": defaults.element}
        if defaults.department is not None:
            initial["department"] = defaults.department.public_id
        return self.render_form(registration_form(request.user, partner_centre=self.centre, initial=initial))

    def post(self, request):
        form = registration_form(request.user, request.POST, partner_centre=self.centre)
        registration = register(request, form)
        if registration is not None:
            return HttpResponseRedirect(reverse("outreach_partner:registration", args=[registration.public_id]))
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        context = {
            "form": form,
            "centre": self.centre,
            "base_template": PARTNER_BASE,
            "cancel_url": reverse("outreach_partner:home"),
        }
        return render(self.request, "outreach/contacts/form.html", context, status=status)


class PartnerPersonSearchView(PartnerPage):
    access_shown = "outreach.person_search"

    def get(self, request):
        self.persons = selectors_contacts.person_search(
            selectors_contacts.centre_persons(self.centre), centre=self.centre, query=request.GET.get("pseudonym", "")
        )
        return render(request, "outreach/contacts/_person_options.html", {"persons": self.persons})

    def shown_people(self):
        return self.persons


class PartnerRegistrationView(PartnerRegistrationPage):
    access_shown = "outreach.registration"

    def get(self, request, registration_id):
        registration = decorate(self.load())
        rating = registration.rating if has_rating(registration) else None
        context = {
            "registration": registration,
            "centre": self.centre,
            "own": registration.recorded_by_id == request.user.pk,
            "rating": rating,
            "rating_answers": rating_answers(rating),
        }
        return render(request, "outreach/partner/registration.html", context)


class PartnerRatingLinkView(PartnerRegistrationPage):
    access_shown = "none"
    http_method_names = ["post"]

    def post(self, request, registration_id):
        registration = self.load()
        back = reverse("outreach_partner:registration", args=[registration_id])
        try:
            link, token = services_contacts.rating_link_make(actor=request.user, registration=registration)
        except ValidationError as error:
            return refused(request, error, back)
        except PermissionDenied:
            raise Http404 from None
        return rating_link_response(
            request, registration=link.registration, token=token, back_url=back, base_template=PARTNER_BASE
        )
