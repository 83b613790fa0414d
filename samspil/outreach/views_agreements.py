"""Staff pages of the drop-in model's agreements, timetable and group activities, and the hub at /vaeresteder/.

Who may do what (`outreach.access`):

- Every staff member of the municipality reads the hub, the agreements (with their contact people, hours and signed
  document), the timetables and the group activities with their sessions and counts (`access.can_read_timetable`).
  None of this is citizen data, and those pages write no access-log rows.
- The project leader writes all of it (`access.can_manage`): a page anyone may read answers a POST from anyone else
  with 403; the pages that only write (a new agreement, editing one) are 404 to others, logged.
- **Named participants** of a group activity are citizen data. They are shown to those who may register
  conversations (`access.can_register`: case roles and the project leader), who may meet the same citizens at the
  centre, and each page that shows them writes one access-log row per person shown (`outreach.activity`). Everyone
  else (department heads, controllers, administrators) sees the counts only: how many took part, named and not.

Pages post to themselves with the form's name in `action`; on success a redirect back, on invalid input the page
with the form and its errors (422), nothing saved. An agreement and an activity carry a `version`: a second writer
gets the conflict message and the form on the saved version (`core.forms.form_on_saved_version`).
"""

import contextlib
import datetime
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samspil.access import policy
from samspil.access.views import deny
from samspil.core.exceptions import ConflictError
from samspil.core.forms import form_on_saved_version
from samspil.documents.views import document_response
from samspil.outreach import access, forms_access, selectors_access, services_access
from samspil.outreach import forms_agreements as forms
from samspil.outreach import selectors_agreements as selectors
from samspil.outreach import services_agreements as services
from samspil.outreach.models import AgreementContact, GroupParticipant, OutreachHours
from samspil.outreach.views_base import OutreachStaffMixin

# Links of the hub to other areas' pages: (URL names to try, who may use them, label). A link is shown when the user
# may use it and one of the names resolves without arguments (the first that does), so an area not built yet is left
# out rather than guessed at.
HUB_LINKS = (
    (("outreach:contacts_create",), access.can_register, gettext_lazy("Register a conversation")),
    (("outreach:contacts_list", "outreach:contacts"), access.can_register, gettext_lazy("Registered conversations")),
    (
        ("outreach:appointments_list", "outreach:appointments"),
        access.can_register,
        gettext_lazy("Appointments and no-shows"),
    ),
    (("outreach:evaluation",), access.can_read_figures, gettext_lazy("Evaluation")),
)


def resolved_url(names) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _add_errors(form, error: ValidationError) -> None:
    """A service's error on the form: on the field it names when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class StaffPage(OutreachStaffMixin, View):
    """A page every staff member reads; only the project leader posts to it (the others 403)."""

    role_check = staticmethod(access.can_read_timetable)
    access_shown = "none"
    template_name = ""
    actions: dict = {}  # action -> success message

    def prepare(self, request, **kwargs):
        self.today = timezone.localdate()
        self.can_manage = access.can_manage(request.user)

    def page_context(self) -> dict:
        return {}

    def form_actions(self) -> tuple:
        """The actions whose (empty) forms the page shows to the project leader."""
        return ()

    def make_form(self, action: str, data=None, files=None):
        raise NotImplementedError

    def perform(self, action: str, form):
        """Call the service; return a URL to go to, or None for the page itself."""
        raise NotImplementedError

    def render_page(self, bound: dict | None = None, status: int = 200, error: str = ""):
        context = {"today": self.today, "can_manage": self.can_manage, "page_error": error}
        context["open_form"] = next(iter(bound), "") if bound else ""
        context.update(self.page_context())
        if self.can_manage:
            built = {action: self.make_form(action) for action in self.form_actions()}
            built.update(bound or {})
            context["forms"] = built
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        return self.render_page()

    def post(self, request, **kwargs):
        if not self.can_manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in self.actions:
            return self.render_page(status=422, error=_("The form was not recognised. Reload the page and try again."))
        form = self.make_form(action, request.POST, request.FILES)
        if form.is_valid():
            try:
                target = self.perform(action, form)
            except ValidationError as error:
                _add_errors(form, error)
            except ConflictError as error:
                form = self.on_conflict(action, form, error)
            else:
                messages.success(request, self.actions[action])
                return HttpResponseRedirect(target or request.path)
        if action in self.form_actions():
            return self.render_page({action: form}, status=422)
        return self.render_page(status=422, error=" ".join(form.non_field_errors()) or _("Nothing was changed."))

    def on_conflict(self, action, form, error):
        form.add_error(None, error.message)
        return form


# --- the hub ----------------------------------------------------------------------------------------------------


class HomeView(StaffPage):
    """/vaeresteder/: what the user may use here, and today's outreach hours at each centre."""

    template_name = "outreach/home.html"
    http_method_names = ["get", "head", "options"]

    def page_context(self):
        user = self.request.user
        links = [
            {"url": reverse("outreach:timetable"), "label": _("The outreach timetable")},
            {"url": reverse("outreach:agreements"), "label": _("Cooperation agreements")},
            {"url": reverse("outreach:activities"), "label": _("Group activities")},
        ]
        for names, allowed, label in HUB_LINKS:
            url = resolved_url(names) if allowed(user) else None
            if url:
                links.append({"url": url, "label": label})
        return {
            "links": links,
            "centres": list(selectors.centres(actor=user)),
            "today_hours": selectors.hours_on(actor=user, day=self.today),
        }


# --- agreements -------------------------------------------------------------------------------------------------


class AgreementListView(StaffPage):
    """Every cooperation agreement of the municipality, by centre, with its state today."""

    template_name = "outreach/agreements/list.html"
    http_method_names = ["get", "head", "options"]

    def page_context(self):
        rows = selectors.agreement_rows(actor=self.request.user, day=self.today)
        for row in rows:
            row.agreement.element_labels = selectors.element_labels(row.agreement.elements)
        with_agreement = {row.agreement.centre_id for row in rows}
        return {
            "rows": rows,
            "without": [c for c in selectors.centres(actor=self.request.user) if c.pk not in with_agreement],
        }


class CentreView(StaffPage):
    """One drop-in centre: its agreements, its outreach hours today and its group activities."""

    template_name = "outreach/agreements/centre.html"
    http_method_names = ["get", "head", "options"]

    def prepare(self, request, centre_id=None, **kwargs):
        super().prepare(request)
        try:
            self.centre = selectors.centre_get(actor=request.user, public_id=centre_id)
        except Http404:
            deny(request)

    def page_context(self):
        user = self.request.user
        rows = selectors.agreement_rows(actor=user, day=self.today, centre=self.centre)
        for row in rows:
            row.agreement.element_labels = selectors.element_labels(row.agreement.elements)
        return {
            "centre": self.centre,
            "rows": rows,
            "activities": list(selectors.activities(actor=user, centre=self.centre)),
            "contacts": list(self.centre.contacts.order_by("name")),
        }


class AgreementFormMixin:
    template_name = "outreach/agreements/form.html"

    def render_form(self, form, status=200, saved=None):
        return render(
            self.request,
            self.template_name,
            {"form": form, "agreement": getattr(self, "agreement", None), "saved": saved},
            status=status,
        )


class AgreementCreateView(AgreementFormMixin, OutreachStaffMixin, View):
    """A new agreement: the project leader only (anyone else 404, logged)."""

    role_check = staticmethod(access.can_manage)
    access_shown = "none"

    def make_form(self, data=None, files=None):
        initial = {}
        centre_id = self.request.GET.get("sted")
        if centre_id:
            with contextlib.suppress(Http404, ValidationError, ValueError):  # a stale link: no centre chosen
                initial["centre"] = selectors.centre_get(actor=self.request.user, public_id=centre_id).public_id
        return forms.AgreementForm(data, files, municipality_id=self.request.user.municipality_id, initial=initial)

    def get(self, request):
        return self.render_form(self.make_form())

    def post(self, request):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.agreement_create(
                    actor=request.user,
                    centre=data["centre"],
                    title=data["title"],
                    elements=data["elements"],
                    starts_on=data["starts_on"],
                    renew_on=data["renew_on"],
                    ends_on=data["ends_on"],
                    note=data["note"],
                    programme=data["programme"],
                    upload=data.get("document"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The cooperation agreement was saved."))
                return HttpResponseRedirect(reverse("outreach:agreements_detail", args=[agreement.public_id]))
        return self.render_form(form, status=422)


class AgreementEditView(AgreementFormMixin, OutreachStaffMixin, View):
    """Change an agreement: the project leader only. A second writer gets the conflict and the saved values."""

    role_check = staticmethod(access.can_manage)
    access_shown = "none"

    def prepare(self, request, agreement_id=None, **kwargs):
        try:
            self.agreement = selectors.agreement_get(actor=request.user, public_id=agreement_id, action=policy.MANAGE)
        except Http404:
            deny(request)

    def make_form(self, data=None, files=None):
        return forms.AgreementForm(
            data,
            files,
            municipality_id=self.agreement.municipality_id,
            agreement=self.agreement,
            initial=forms.agreement_initial(self.agreement),
        )

    def get(self, request, agreement_id):
        return self.render_form(self.make_form())

    def post(self, request, agreement_id):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.agreement_update(
                    actor=request.user,
                    agreement=self.agreement,
                    expected_version=data["version"],
                    title=data["title"],
                    elements=data["elements"],
                    starts_on=data["starts_on"],
                    renew_on=data["renew_on"],
                    ends_on=data["ends_on"],
                    note=data["note"],
                    programme=data["programme"],
                    upload=data.get("document"),
                    remove_document=data.get("remove_document", False),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except ConflictError as error:
                self.agreement.refresh_from_db()
                self.agreement.element_labels = selectors.element_labels(self.agreement.elements)
                form = form_on_saved_version(form, saved_version=self.agreement.version, message=error.message)
                return self.render_form(form, status=422, saved=self.agreement)
            else:
                messages.success(request, _("The cooperation agreement was saved."))
                return HttpResponseRedirect(reverse("outreach:agreements_detail", args=[self.agreement.public_id]))
        return self.render_form(form, status=422)


class AgreementDetailView(StaffPage):
    """One agreement: its terms, contact people on both sides, fixed weekly hours and signed document. The project
    leader adds and removes contacts and hours here, and invites the centre's contact persons to the drop-in
    centre's pages or ends that access (`services_access`; the section is the project leader's only)."""

    template_name = "outreach/agreements/detail.html"

    @property
    def actions(self):
        return {
            "contact_add": _("The contact person was added."),
            "contact_remove": _("The contact person was removed."),
            "hours_add": _("The hours were added to the timetable."),
            "hours_remove": _("The hours were removed from the timetable."),
            "access_invite": _("The invitation was sent by e-mail."),
            "access_end": _("The access to the drop-in centre's pages was ended."),
        }

    def prepare(self, request, agreement_id=None, **kwargs):
        super().prepare(request)
        try:
            self.agreement = selectors.agreement_get(actor=request.user, public_id=agreement_id)
        except Http404:
            deny(request)

    def form_actions(self):
        return ("contact_add", "hours_add")

    def make_form(self, action, data=None, files=None):
        if action == "contact_add":
            return forms.ContactForm(data, prefix=action, agreement=self.agreement)
        if action == "hours_add":
            return forms.HoursForm(data, prefix=action, agreement=self.agreement)
        if action == "access_invite":
            return forms_access.AccessInviteForm(data, prefix=action)
        if action == "access_end":
            return forms_access.AccessEndForm(data, prefix=action)
        return forms.RemoveForm(data, prefix=action)

    def perform(self, action, form):
        data, user = form.cleaned_data, self.request.user
        if action == "contact_add":
            services.agreement_contact_add(
                actor=user,
                agreement=self.agreement,
                side=data["side"],
                user=data["user"],
                external_contact=data["external_contact"],
                name=data["name"],
                role=data["role"],
                phone=data["phone"],
                email=data["email"],
            )
        elif action == "hours_add":
            services.hours_add(
                actor=user,
                agreement=self.agreement,
                department=data["department"],
                element=data["element"],
                weekday=data["weekday"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                staff=data["staff"],
                note=data["note"],
            )
        elif action == "contact_remove":
            contact = AgreementContact.objects.filter(agreement=self.agreement, public_id=data["row"]).first()
            if contact is None:
                raise ValidationError(_("The contact person has already been removed."))
            services.agreement_contact_remove(actor=user, contact=contact)
        elif action == "hours_remove":
            hours = OutreachHours.objects.filter(agreement=self.agreement, public_id=data["row"]).first()
            if hours is None:
                raise ValidationError(_("The hours have already been removed."))
            services.hours_remove(actor=user, hours=hours)
        elif action == "access_invite":
            contact = self.agreement.centre.contacts.filter(public_id=data["contact"]).first()
            if contact is None:
                raise ValidationError(_("Choose one of the centre's own contact persons."))
            services_access.drop_in_invite(actor=user, agreement=self.agreement, contact=contact)
        elif action == "access_end":
            services_access.drop_in_access_end(
                actor=user, agreement=self.agreement, invitation_public_id=data["row"], reason=data["reason"]
            )

    def page_context(self):
        agreement = self.agreement
        agreement.element_labels = selectors.element_labels(agreement.elements)
        contacts = selectors.agreement_contacts(agreement)
        return {
            "agreement": agreement,
            "state": selectors.agreement_state(agreement, self.today),
            "municipality_contacts": [c for c in contacts if c.side == "municipality"],
            "centre_contacts": [c for c in contacts if c.side == "centre"],
            "hours": selectors.agreement_hours(agreement),
            "drop_in_access": (
                selectors_access.drop_in_access(actor=self.request.user, centre=agreement.centre)
                if self.can_manage
                else None
            ),
        }


class AgreementDocumentView(OutreachStaffMixin, View):
    """The signed agreement as a download (any staff member; no citizen data)."""

    role_check = staticmethod(access.can_read_timetable)
    access_shown = "none"

    def get(self, request, agreement_id):
        try:
            agreement = selectors.agreement_get(actor=request.user, public_id=agreement_id)
        except Http404:
            deny(request)
        if not agreement.document:
            raise Http404
        return document_response(
            SimpleNamespace(
                file=agreement.document,
                content_type=agreement.document_content_type,
                name=agreement.document_name,
                public_id=agreement.public_id,
            )
        )


# --- the timetable ----------------------------------------------------------------------------------------------


class TimetableView(StaffPage):
    """The outreach timetable of the whole municipality, or of one centre: the hours of the agreements in force on
    a chosen date (`?dato=22.11.2026`, default today), by weekday."""

    template_name = "outreach/agreements/timetable.html"

    def prepare(self, request, centre_id=None, **kwargs):
        super().prepare(request)
        self.centre = None
        if centre_id is not None:
            try:
                self.centre = selectors.centre_get(actor=request.user, public_id=centre_id)
            except Http404:
                deny(request)
        self.date_form = forms.TimetableDateForm(request.GET or None, initial={"dato": self.today})
        self.day = self.today
        if self.date_form.is_bound and self.date_form.is_valid() and self.date_form.cleaned_data["dato"]:
            self.day = self.date_form.cleaned_data["dato"]

    http_method_names = ["get", "head", "options"]

    def page_context(self):
        return {
            "centre": self.centre,
            "day": self.day,
            "date_form": self.date_form,
            "days": selectors.timetable(actor=self.request.user, day=self.day, centre=self.centre),
            "day_before": self.day - datetime.timedelta(days=7),
            "day_after": self.day + datetime.timedelta(days=7),
        }


# --- group activities -------------------------------------------------------------------------------------------


class ActivityListView(StaffPage):
    """The group activities (*holdbaserede aktiviteter*) of every centre or of one (`?sted=<centre>`); the project
    leader creates them here."""

    template_name = "outreach/activities/list.html"

    @property
    def actions(self):
        return {"activity_add": _("The group activity was created.")}

    def prepare(self, request, **kwargs):
        super().prepare(request)
        self.centre = None
        centre_id = request.GET.get("sted")
        if centre_id:
            try:
                self.centre = selectors.centre_get(actor=request.user, public_id=centre_id)
            except (Http404, ValidationError, ValueError):
                deny(request)

    def form_actions(self):
        return ("activity_add",)

    def make_form(self, action, data=None, files=None):
        return forms.ActivityForm(
            data, prefix=action, municipality_id=self.request.user.municipality_id, centre=self.centre
        )

    def perform(self, action, form):
        data = form.cleaned_data
        activity = services.activity_create(
            actor=self.request.user,
            centre=data["centre"],
            title=data["title"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        return reverse("outreach:activities_detail", args=[activity.public_id])

    def page_context(self):
        return {
            "centre": self.centre,
            "activities": list(selectors.activities(actor=self.request.user, centre=self.centre)),
        }


class ActivityView(StaffPage):
    """One group activity with its sessions: counts for every staff member, named participants for those who may
    read them (logged)."""

    template_name = "outreach/activities/detail.html"
    access_shown = "outreach.activity"

    @property
    def actions(self):
        return {"activity_edit": _("The group activity was saved."), "session_add": _("The session was added.")}

    def prepare(self, request, activity_id=None, **kwargs):
        super().prepare(request)
        try:
            self.activity = selectors.activity_get(actor=request.user, public_id=activity_id)
        except Http404:
            deny(request)
        self.sessions = None

    def form_actions(self):
        return ("activity_edit", "session_add")

    def make_form(self, action, data=None, files=None):
        if action == "activity_edit":
            return forms.ActivityForm(
                data,
                prefix=action,
                municipality_id=self.activity.municipality_id,
                activity=self.activity,
                initial=forms.activity_initial(self.activity),
            )
        return forms.SessionForm(data, prefix=action, initial={"held_on": self.today, "anonymous_count": 0})

    def perform(self, action, form):
        data = form.cleaned_data
        if action == "activity_edit":
            services.activity_update(
                actor=self.request.user,
                activity=self.activity,
                expected_version=data["version"],
                title=data["title"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
            return None
        session = services.session_add(
            actor=self.request.user,
            activity=self.activity,
            held_on=data["held_on"],
            anonymous_count=data["anonymous_count"],
            note=data["note"],
        )
        return reverse("outreach:activities_session", args=[self.activity.public_id, session.public_id])

    def on_conflict(self, action, form, error):
        self.activity.refresh_from_db()
        self.saved_activity = self.activity
        return form_on_saved_version(form, saved_version=self.activity.version, message=error.message)

    def _sessions(self):
        if self.sessions is None:
            self.sessions = selectors.sessions_with_counts(actor=self.request.user, activity=self.activity)
        return self.sessions

    def shown_people(self):
        named = [p for session in self._sessions() for p in session.named_participants]
        return selectors.shown_subjects(named)

    def page_context(self):
        sessions = self._sessions()
        return {
            "activity": self.activity,
            "sessions": sessions,
            "may_read_participants": selectors.may_read_participants(self.request.user),
            "total_participants": sum(s.total for s in sessions),
            "saved_activity": getattr(self, "saved_activity", None),
        }


class SessionView(StaffPage):
    """One session of a group activity: its date, the count of participants not named and the named participants
    (for those who may read them, logged). The project leader changes it and names participants here."""

    template_name = "outreach/activities/session.html"
    access_shown = "outreach.activity"

    @property
    def actions(self):
        return {
            "session_edit": _("The session was saved."),
            "session_remove": _("The session was removed."),
            "participant_add": _("The participant was added."),
            "participant_remove": _("The participant was removed."),
        }

    def prepare(self, request, activity_id=None, session_id=None, **kwargs):
        super().prepare(request)
        try:
            self.activity = selectors.activity_get(actor=request.user, public_id=activity_id)
            self.session = selectors.session_get(actor=request.user, activity=self.activity, public_id=session_id)
        except Http404:
            deny(request)
        self.participants = None

    def form_actions(self):
        return ("session_edit", "participant_add")

    def make_form(self, action, data=None, files=None):
        if action == "session_edit":
            session = self.session
            initial = {"held_on": session.held_on, "anonymous_count": session.anonymous_count, "note": session.note}
            return forms.SessionForm(data, prefix=action, initial=initial)
        if action == "participant_add":
            persons = selectors.centre_persons(actor=self.request.user, centre=self.activity.centre)
            return forms.ParticipantForm(data, prefix=action, persons=persons)
        return forms.RemoveForm(data, prefix=action)

    def perform(self, action, form):
        data, user = form.cleaned_data, self.request.user
        if action == "session_edit":
            services.session_update(
                actor=user,
                session=self.session,
                held_on=data["held_on"],
                anonymous_count=data["anonymous_count"],
                note=data["note"],
            )
        elif action == "session_remove":
            if data["row"] != self.session.public_id:
                raise ValidationError(_("The form was not recognised. Reload the page and try again."))
            services.session_remove(actor=user, session=self.session)
            return reverse("outreach:activities_detail", args=[self.activity.public_id])
        elif action == "participant_add":
            services.participant_add(
                actor=user, session=self.session, person=data["person"], cpr_number=data["cpr_number"]
            )
        elif action == "participant_remove":
            participant = GroupParticipant.objects.filter(session=self.session, public_id=data["row"]).first()
            if participant is None:
                raise ValidationError(_("The participant has already been removed."))
            services.participant_remove(actor=user, participant=participant)
        return None

    def _participants(self):
        if self.participants is None:
            self.participants = selectors.session_participants(actor=self.request.user, session=self.session)
        return self.participants

    def shown_people(self):
        return selectors.shown_subjects(self._participants())

    def page_context(self):
        participants = self._participants()
        named = len(participants) if selectors.may_read_participants(self.request.user) else None
        if named is None:
            named = self.session.participants.count()
        return {
            "activity": self.activity,
            "session": self.session,
            "participants": participants,
            "named": named,
            "total": self.session.anonymous_count + named,
            "may_read_participants": selectors.may_read_participants(self.request.user),
        }
