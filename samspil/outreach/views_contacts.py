"""Staff pages of the conversation registration (`/vaeresteder/samtaler/…`, namespace `outreach`).

- `contacts_list`: the registrations the user reads (`outreach.scopes`), filtered by centre, element and period,
  newest first in keyset pages (`?efter=`).
- `contacts_create`: register a conversation (one phone screen, defaults from today's outreach hours).
- `contacts_person_search`: the names of returning citizens at a centre, as the user types (HTMX, a `<datalist>`).
- `contacts_registration`, `contacts_edit`: one conversation, and changing it (the `version` checked).
- `contacts_person`: a person known at a centre with all the conversations the user reads.
- `contacts_person_link`, `contacts_registration_link` (POST): link to a registered citizen by CPR number.
- `contacts_rating_link` (POST): a one-time link and QR code for the citizen's rating; `contacts_rating_paper`:
  type in the paper form.

Every page inherits `OutreachStaffMixin` (`access.can_register`) and logs the people it shows; a conversation or
person the user does not read answers 404, logged, exactly as one that does not exist.
"""

from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samspil.access import policy
from samspil.access.views import deny
from samspil.core.exceptions import ConflictError
from samspil.core.forms import DanishDateField, DkfdsFormMixin, add_service_errors, form_on_saved_version
from samspil.outreach import access, selectors_contacts, services_contacts
from samspil.outreach.choices import CONVERSATION_ELEMENTS, RATING_QUESTIONS, Decision, Identity, Rating, Topic
from samspil.outreach.forms_contacts import LinkForm, RatingForm, RegistrationForm
from samspil.outreach.models import CitizenRating
from samspil.outreach.views_base import OutreachStaffMixin


class StaffPage(OutreachStaffMixin, View):
    role_check = staticmethod(access.can_register)


class RegistrationPage(StaffPage):
    """A page about one registration the user reads (`registration_id`); else 404, logged."""

    registration_action = policy.VIEW

    def prepare(self, request, **kwargs):
        queryset = selectors_contacts.staff_registrations(request.user, self.registration_action)
        self.registration = selectors_contacts.registration_get(queryset, kwargs["registration_id"])
        if self.registration is None:
            deny(request)

    def shown_people(self):
        return [self.registration]


# --- the list ------------------------------------------------------------------------------------------------


class ListFilterForm(DkfdsFormMixin, forms.Form):
    vaerested = forms.ModelChoiceField(
        label=gettext_lazy("Drop-in centre"), queryset=None, to_field_name="public_id", required=False
    )
    element = forms.ChoiceField(label=gettext_lazy("Element"), required=False)
    fra = DanishDateField(label=gettext_lazy("From"), required=False)
    til = DanishDateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vaerested"].queryset = centres
        self.fields["vaerested"].empty_label = gettext_lazy("All")
        self.fields["element"].choices = [("", _("All")), *[(e.value, e.label) for e in CONVERSATION_ELEMENTS]]

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            self.add_error("til", _("The end of the period cannot be before its start."))
        return data


class ContactListView(StaffPage):
    access_shown = "outreach.registrations"

    def get(self, request):
        centres = selectors_contacts.centres_with_agreement(request.user.municipality_id)
        data = {name: request.GET[name] for name in ("vaerested", "element", "fra", "til") if name in request.GET}
        form = ListFilterForm(data or None, centres=centres)
        self.rows, next_query, status = [], "", 200
        if form.is_bound and not form.is_valid():
            status = 422
        else:
            filters = form.cleaned_data if form.is_bound else {}
            page = selectors_contacts.registration_page(
                selectors_contacts.staff_registrations(request.user),
                centre=filters.get("vaerested"),
                element=filters.get("element") or "",
                date_from=filters.get("fra"),
                date_to=filters.get("til"),
                cursor=request.GET.get("efter", "").strip(),
            )
            self.rows = [decorate(registration) for registration in page.rows]
            if page.next_cursor:
                next_query = urlencode({**data, "efter": page.next_cursor})
        context = {"form": form, "rows": self.rows, "next_query": next_query, "filter_form": form}
        return render(request, "outreach/contacts/list.html", context, status=status)

    def shown_people(self):
        return self.rows


# --- registering -------------------------------------------------------------------------------------------------


def registration_form(user, data=None, *, partner_centre=None, registration=None, initial=None):
    """The registration form for a staff member (any centre of the municipality with an agreement) or drop-in staff
    (`partner_centre`), for a new conversation or for changing `registration`."""
    partner = partner_centre is not None
    search_url = reverse("outreach_partner:person_search" if partner else "outreach:contacts_person_search")
    form = RegistrationForm(
        data,
        centres=selectors_contacts.centres_with_agreement(user.municipality_id),
        departments=selectors_contacts.department_choices(user, partner=partner),
        staff=selectors_contacts.staff_choices(user, centre=partner_centre),
        partner=partner,
        editing=registration is not None,
        initial=initial or {},
    )
    if "pseudonym" in form.fields:
        form.fields["pseudonym"].widget.attrs.update(
            {
                "hx-get": search_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#person-options",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        if not partner:
            form.fields["pseudonym"].widget.attrs["hx-include"] = "#id_centre"
    return form


def new_registration_initial(user, defaults) -> dict:
    initial = {"element": defaults.element}
    if defaults.centre is not None:
        initial["centre"] = defaults.centre.public_id
    if defaults.department is not None:
        initial["department"] = defaults.department.public_id
    if policy.is_municipal_staff(user):
        initial["staff"] = user.public_id
    return initial


def register(request, form):
    """Register the conversation of a bound registration form (staff's or drop-in staff's) and say so; None when the
    form or the service refuses it (the reasons are on the form)."""
    if not form.is_valid():
        return None
    try:
        registration, new_person = services_contacts.registration_record(actor=request.user, **form.service_values())
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("The conversation is registered."))
    if new_person:
        messages.info(
            request,
            _("“%(name)s” is new at %(centre)s.")
            % {"name": registration.person.pseudonym, "centre": registration.centre.name},
        )
    return registration


class RegistrationCreateView(StaffPage):
    access_shown = "none"  # a form; what the user typed is not a read

    def get(self, request):
        defaults = selectors_contacts.registration_defaults(request.user)
        form = registration_form(request.user, initial=new_registration_initial(request.user, defaults))
        return self.render_form(form)

    def post(self, request):
        form = registration_form(request.user, request.POST)
        registration = register(request, form)
        if registration is not None:
            return HttpResponseRedirect(reverse("outreach:contacts_registration", args=[registration.public_id]))
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        context = {"form": form, "base_template": "base.html", "cancel_url": reverse("outreach:contacts_list")}
        return render(request=self.request, template_name="outreach/contacts/form.html", context=context, status=status)


class PersonSearchView(StaffPage):
    """The names at a centre matching what was typed (at least two characters), as `<option>`s of the form's
    `<datalist>`. Each name shown is logged."""

    access_shown = "outreach.person_search"

    def get(self, request):
        centre = None
        centre_id = request.GET.get("centre", "")
        if centre_id:
            try:
                centre = (
                    selectors_contacts.centres_with_agreement(request.user.municipality_id)
                    .filter(public_id=centre_id)
                    .first()
                )
            except ValidationError:
                centre = None
        self.persons = selectors_contacts.person_search(
            selectors_contacts.staff_persons(request.user), centre=centre, query=request.GET.get("pseudonym", "")
        )
        return render(request, "outreach/contacts/_person_options.html", {"persons": self.persons})

    def shown_people(self):
        return self.persons


# --- one conversation ----------------------------------------------------------------------------------------------


def rating_answers(rating) -> list[tuple[str, str]]:
    """(question, answer) of a rating, the answer as its label (or "Not answered")."""
    if rating is None:
        return []
    answers = []
    for name, question in RATING_QUESTIONS:
        value = getattr(rating, name)
        answers.append((question, str(Rating(value).label) if value else _("Not answered")))
    return answers


def has_rating(registration) -> bool:
    try:
        return registration.rating is not None
    except CitizenRating.DoesNotExist:
        return False


def decorate(registration):
    """What the pages show beside the fields: the topics' and decisions' labels, whether it is rated."""
    topics, decisions = dict(Topic.choices), dict(Decision.choices)
    registration.topic_labels = [topics.get(code, code) for code in registration.topics]
    registration.decision_labels = [decisions.get(code, code) for code in registration.decisions]
    registration.has_rating = has_rating(registration)
    return registration


class RegistrationView(RegistrationPage):
    access_shown = "outreach.registration"

    def get(self, request, registration_id):
        return render(request, "outreach/contacts/registration.html", self.context())

    def context(self) -> dict:
        registration = decorate(self.registration)
        rating = registration.rating if has_rating(registration) else None
        return {
            "registration": registration,
            "rating": rating,
            "rating_answers": rating_answers(rating),
            "link_form": LinkForm(prefix="link"),
            "may_link": registration.citizen_id is None and registration.identity == Identity.ANONYMOUS,
        }


class RegistrationEditView(RegistrationPage):
    access_shown = "outreach.registration"
    registration_action = policy.CONTRIBUTE

    def initial(self) -> dict:
        registration = self.registration
        return {
            "occurred_on": registration.occurred_on,
            "centre": registration.centre.public_id,
            "element": registration.element,
            "department": registration.department.public_id,
            "staff": registration.staff.public_id if registration.staff_id else None,
            "origin": registration.origin,
            "topics": registration.topics,
            "minutes": registration.minutes,
            "decisions": registration.decisions,
            "decision_note": registration.decision_note,
            "follow_up": registration.follow_up,
            "follow_up_on": registration.follow_up_on,
            "note": registration.note,
            "version": registration.version,
        }

    def get(self, request, registration_id):
        form = registration_form(request.user, registration=self.registration, initial=self.initial())
        return self.render_form(form)

    def post(self, request, registration_id):
        form = registration_form(request.user, request.POST, registration=self.registration)
        if form.is_valid():
            try:
                services_contacts.registration_update(
                    actor=request.user,
                    registration=self.registration,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **form.service_values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                saved = selectors_contacts.registration_get(
                    selectors_contacts.staff_registrations(request.user), registration_id
                )
                if saved is None:
                    deny(request)
                self.registration = saved
                form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
            except PermissionDenied:
                deny(request)
            else:
                messages.success(request, _("The conversation is saved."))
                return HttpResponseRedirect(reverse("outreach:contacts_registration", args=[registration_id]))
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        context = {
            "form": form,
            "registration": self.registration,
            "base_template": "base.html",
            "cancel_url": reverse("outreach:contacts_registration", args=[self.registration.public_id]),
        }
        return render(self.request, "outreach/contacts/form.html", context, status=status)


class RegistrationLinkView(RegistrationPage):
    """Link an anonymous conversation to a registered citizen (POST). A refused CPR number: back to the page with
    the reason."""

    access_shown = "none"  # a redirect either way
    registration_action = policy.CONTRIBUTE
    http_method_names = ["post"]

    def post(self, request, registration_id):
        form = LinkForm(request.POST, prefix="link")
        url = reverse("outreach:contacts_registration", args=[registration_id])
        if not form.is_valid():
            return refused(request, form, url)
        try:
            services_contacts.registration_link(
                actor=request.user, registration=self.registration, cpr_digits=form.cleaned_data["cpr_number"]
            )
        except ValidationError as error:
            return refused(request, error, url)
        except PermissionDenied:
            deny(request)
        messages.success(request, _("The conversation is linked to the registered citizen."))
        return HttpResponseRedirect(url)


def refused(request, form_or_error, url):
    """Back to the page with the reason (a CPR number is never repeated; the field is empty again)."""
    if isinstance(form_or_error, ValidationError):
        errors = form_or_error.messages
    else:
        errors = [error for field_errors in form_or_error.errors.values() for error in field_errors]
    for error in errors:
        messages.error(request, error)
    return HttpResponseRedirect(url)


# --- a person known at a centre ---------------------------------------------------------------------------------


class PersonPage(StaffPage):
    def prepare(self, request, **kwargs):
        self.person = selectors_contacts.person_for_staff(request.user, kwargs["person_id"])
        if self.person is None:
            deny(request)

    def shown_people(self):
        return [self.person, *self.person.visible_registrations]


class PersonView(PersonPage):
    access_shown = "outreach.person"

    def get(self, request, person_id):
        context = {
            "person": self.person,
            "registrations": self.person.visible_registrations,
            "link_form": LinkForm(prefix="link"),
        }
        return render(request, "outreach/contacts/person.html", context)


class PersonLinkView(PersonPage):
    """Link the person (and all their conversations) to a registered citizen (POST)."""

    access_shown = "none"
    http_method_names = ["post"]

    def post(self, request, person_id):
        form = LinkForm(request.POST, prefix="link")
        url = reverse("outreach:contacts_person", args=[person_id])
        if not form.is_valid():
            return refused(request, form, url)
        try:
            services_contacts.person_link(
                actor=request.user, person=self.person, cpr_digits=form.cleaned_data["cpr_number"]
            )
        except ValidationError as error:
            return refused(request, error, url)
        except PermissionDenied:
            deny(request)
        messages.success(
            request,
            _("“%(name)s” and the conversations are linked to the registered citizen.")
            % {"name": self.person.pseudonym},
        )
        return HttpResponseRedirect(url)


# --- the citizen's rating ------------------------------------------------------------------------------------------


def rating_link_response(request, *, registration, token, back_url, base_template):
    """The page with the one-time link and its QR code (shown once: only the token's hash is stored)."""
    url = request.build_absolute_uri(reverse("outreach_rating:rate", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=5, title=_("QR code for the rating link"), svgclass="rating-qr")
    context = {
        "registration": registration,
        "url": url,
        "qr": qr,
        "days": services_contacts.RATING_LINK_DAYS,
        "back_url": back_url,
        "base_template": base_template,
    }
    return render(request, "outreach/contacts/rating_link.html", context)


class RatingLinkView(RegistrationPage):
    """Make the one-time link (POST) and show it with its QR code; the page names no citizen."""

    access_shown = "none"
    registration_action = policy.CONTRIBUTE
    http_method_names = ["post"]

    def post(self, request, registration_id):
        back = reverse("outreach:contacts_registration", args=[registration_id])
        try:
            link, token = services_contacts.rating_link_make(actor=request.user, registration=self.registration)
        except ValidationError as error:
            return refused(request, error, back)
        except PermissionDenied:
            deny(request)
        return rating_link_response(
            request, registration=link.registration, token=token, back_url=back, base_template="base.html"
        )


class RatingPaperView(RegistrationPage):
    """Type in the citizen's paper form."""

    access_shown = "outreach.registration"
    registration_action = policy.CONTRIBUTE

    def get(self, request, registration_id):
        if has_rating(self.registration):
            messages.info(request, _("The citizen has already rated this conversation."))
            return HttpResponseRedirect(reverse("outreach:contacts_registration", args=[registration_id]))
        return self.render_form(RatingForm())

    def post(self, request, registration_id):
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services_contacts.rating_record_paper(
                    actor=request.user, registration=self.registration, answers=form.answers()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                deny(request)
            else:
                messages.success(request, _("The citizen's rating is saved."))
                return HttpResponseRedirect(reverse("outreach:contacts_registration", args=[registration_id]))
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        context = {"form": form, "registration": self.registration}
        return render(self.request, "outreach/contacts/rating_paper.html", context, status=status)
