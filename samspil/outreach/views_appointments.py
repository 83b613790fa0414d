"""Staff pages of appointments (*samtaler*) at /vaeresteder/aftaler-med-borgere/: the list with its filters and a
small no-show summary, recording an appointment, changing one, and setting the outcome from the list.

Views parse input, call one selector or service, and render. Every page is an `OutreachStaffMixin` page for those who
may register (`access.can_register`); an appointment outside the user's scope is 404 (logged), exactly as one that
does not exist. Each response that shows citizens logs them (`shown_people`): registered citizens by their row,
persons known at a centre by their key, a bare reference not at all.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import deny
from samspil.core.exceptions import ConflictError
from samspil.core.forms import add_service_errors, form_on_saved_version
from samspil.outreach import access, selectors_appointments, services_appointments
from samspil.outreach import forms_appointments as forms
from samspil.outreach.views_base import OutreachStaffMixin

FILTER_FIELDS = ("afdeling", "sted", "vaerested", "fra", "til", "udfald")


def _list_query(querydict) -> str:
    """The list's filters (and nothing else) from a query string, to go back to the same list."""
    return urlencode({name: querydict[name] for name in FILTER_FIELDS if querydict.get(name)})


def _list_url(query: str = "") -> str:
    url = reverse("outreach:appointments")
    return f"{url}?{query}" if query else url


class AppointmentMixin(OutreachStaffMixin):
    role_check = staticmethod(access.can_register)
    access_shown = "outreach.appointments"


class AppointmentListView(AppointmentMixin, View):
    """The appointments the user reads, newest first, with filters (department, place, centre, period, outcome)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request):
        form = forms.FilterForm(request.GET or None, actor=request.user)
        filters = selectors_appointments.Filters()
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = selectors_appointments.Filters(
                department=data["afdeling"],
                place=data["sted"],
                centre=data["vaerested"],
                date_from=data["fra"],
                date_to=data["til"],
                outcome=data["udfald"],
            )
        self.page = selectors_appointments.appointment_page(request.user, filters, cursor=request.GET.get("efter", ""))
        query = _list_query(request.GET) if form.is_bound and form.is_valid() else ""
        today = timezone.localdate()
        rows = [
            {
                "appointment": appointment,
                "outcome_form": forms.OutcomeForm(
                    initial={"version": appointment.version}, prefix=f"o-{appointment.public_id}"
                )
                if not appointment.outcome and appointment.occurred_on <= today
                else None,
            }
            for appointment in self.page.rows
        ]
        next_url = ""
        if self.page.next_cursor:
            next_url = _list_url("&".join(filter(None, [query, urlencode({"efter": self.page.next_cursor})])))
        return render(
            request,
            "outreach/appointments/list.html",
            {
                "form": form,
                "rows": rows,
                "summary": self.page.summary,
                "next_url": next_url,
                "first_url": _list_url(query) if request.GET.get("efter") else "",
                "back": query,
                "narrowed": bool(query),
            },
        )

    def shown_people(self):
        return self.page.rows


class AppointmentCreateView(AppointmentMixin, View):
    """Record an appointment (and its outcome when it has been held)."""

    def form(self, data=None):
        initial = {}
        departments = services_appointments.department_choices(self.request.user)
        if departments.count() == 1:
            initial["department"] = departments.first().public_id
        return forms.AppointmentForm(data, actor=self.request.user, initial=initial)

    def render_form(self, form, status=200):
        return render(
            self.request,
            "outreach/appointments/form.html",
            {"form": form, "appointment": None, "back": _list_query(self.request.GET)},
            status=status,
        )

    def get(self, request):
        return self.render_form(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services_appointments.appointment_record(actor=request.user, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                deny(request)
            else:
                messages.success(request, _("The appointment was recorded."))
                return HttpResponseRedirect(_list_url(_list_query(request.GET)))
        return self.render_form(form, status=422)


class AppointmentEditView(AppointmentMixin, View):
    """Change an appointment and set its outcome; the version guards against overwriting someone else's change."""

    def prepare(self, request, appointment_id=None, **kwargs):
        self.appointment = selectors_appointments.appointment_get(request.user, appointment_id, policy.CONTRIBUTE)
        if self.appointment is None:
            deny(request)

    def shown_people(self):
        return [self.appointment]

    def render_form(self, form, status=200, saved=None, page_errors=()):
        return render(
            self.request,
            "outreach/appointments/form.html",
            {
                "form": form,
                "appointment": self.appointment,
                "saved": saved,
                "page_errors": page_errors,
                "back": _list_query(self.request.GET),
            },
            status=status,
        )

    def get(self, request, appointment_id):
        initial = forms.AppointmentForm.initial_for(self.appointment)
        return self.render_form(
            forms.AppointmentForm(actor=request.user, appointment=self.appointment, initial=initial)
        )

    def post(self, request, appointment_id):
        form = forms.AppointmentForm(request.POST, actor=request.user, appointment=self.appointment)
        if form.is_valid():
            try:
                services_appointments.appointment_update(
                    actor=request.user,
                    appointment=self.appointment,
                    expected_version=form.cleaned_data["version"],
                    **form.service_values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                return self.conflict(form, error)
            except PermissionDenied:
                deny(request)
            else:
                messages.success(request, _("The appointment was saved."))
                return HttpResponseRedirect(_list_url(_list_query(request.GET)))
        return self.render_form(form, status=422)

    def conflict(self, form, error: ConflictError):
        saved = selectors_appointments.appointment_get(self.request.user, self.appointment.public_id, policy.CONTRIBUTE)
        if saved is None:
            deny(self.request)
        self.appointment = saved
        form.appointment = saved
        form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
        return self.render_form(form, status=422, saved=saved)


class AppointmentOutcomeView(AppointmentEditView):
    """Set the outcome of one appointment from the list; errors come back on the appointment's own form."""

    http_method_names = ["post"]

    def post(self, request, appointment_id):
        prefix = f"o-{self.appointment.public_id}"
        outcome_form = forms.OutcomeForm(request.POST, prefix=prefix)
        initial = forms.AppointmentForm.initial_for(self.appointment)
        full_form = forms.AppointmentForm(actor=request.user, appointment=self.appointment, initial=initial)
        if outcome_form.is_valid():
            try:
                services_appointments.appointment_outcome_set(
                    actor=request.user,
                    appointment=self.appointment,
                    expected_version=outcome_form.cleaned_data["version"],
                    outcome=outcome_form.cleaned_data["outcome"],
                )
            except ValidationError as error:
                return self.refused(full_form, error.messages)
            except ConflictError as error:
                saved = selectors_appointments.appointment_get(
                    request.user, self.appointment.public_id, policy.CONTRIBUTE
                )
                if saved is None:
                    deny(request)
                self.appointment = saved
                form = forms.AppointmentForm(
                    actor=request.user, appointment=saved, initial=forms.AppointmentForm.initial_for(saved)
                )
                return self.refused(form, [error.message], saved=saved)
            except PermissionDenied:
                deny(request)
            else:
                messages.success(request, _("The outcome was recorded."))
                return HttpResponseRedirect(_list_url(_list_query(request.GET)))
        errors = [error for errors in outcome_form.errors.values() for error in errors]
        return self.refused(full_form, errors or [_("Choose the outcome.")])

    def refused(self, form, errors, saved=None):
        """The appointment's own form (unbound) with the outcome's errors on top (422)."""
        return self.render_form(form, status=422, saved=saved, page_errors=errors)
