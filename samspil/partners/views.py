"""The partner pages (`/partner/`): an invited external professional's view of the pathways they are invited to.

Every page inherits `PartnerMixin` (partner accounts only: anyone else logged in gets 404, logged; the anonymous the
log-in page), and a page about one pathway `PartnerPathwayMixin`, which resolves the pathway through the one partner
rule (`portal.access.partner_pathway_get`: 404 and a logged refusal unless the access is in force) before any handler
runs. After the handler, every response that shows data writes its access-log rows: one per citizen shown, purpose
coordination, basis `partner`. A view sets `access_shown` (a code of `audit.choices.SHOWN_LABELS`) and never logs.

What a partner sees, and nothing else: the coordinator and how to reach them, the citizen's name (no CPR number, no
address), the citizen's version of the plan, their own agreements and the meetings they are invited to.

The one-time invitation link (`InvitationLinkView`, then `InvitationAcceptView`) is open to the anonymous; it shows
no citizen. It is the one way to accept both kinds of invitation: to a pathway, and to a drop-in centre's pages
(`PartnerInvitation.centre`, made by the project leader: `outreach.services_access`), after which drop-in staff work
at `/partner/vaerested/` (`outreach_partner`).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia
from samspil.audit.services import access_denied_record, access_record_each
from samspil.core.exceptions import ConflictError
from samspil.core.forms import form_on_saved_version
from samspil.partners import forms, selectors, services
from samspil.pathways.selectors import subject_citizens
from samspil.pathways.views import shows_pathway
from samspil.portal.access import partner_contact_id, partner_pathway_get, partner_pathways


class PartnerMixin:
    """A page for partner accounts only, whose reads are access-logged by construction (`shown_reads`)."""

    access_shown: str = None
    access_purpose: str = AccessPurpose.COORDINATION

    def dispatch(self, request, *args, **kwargs):
        if self.access_shown not in SHOWN_LABELS:
            raise ValueError(f"{type(self).__name__} must set access_shown to a code of audit.choices.SHOWN_LABELS")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if partner_contact_id(user) is None:
            access_denied_record(actor=user, path=request.path, municipality_id=user.municipality_id)
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        self.log_read(response)
        return response

    def shown_reads(self) -> list[tuple]:
        """The (citizen, pathway) pairs a response that shows data has shown."""
        return []

    def log_read(self, response) -> None:
        if self.request.method in ("HEAD", "OPTIONS") or not shows_pathway(response):
            return
        reads = self.shown_reads()
        if reads:
            access_record_each(
                actor=self.request.user,
                reads=reads,
                shown=self.access_shown,
                purpose=self.access_purpose,
                via=AccessVia.PARTNER,
            )


class PartnerPathwayMixin(PartnerMixin):
    """A partner page about one pathway (the URL's `pathway_id`). `partner_write_methods` need write access."""

    partner_write_methods: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and partner_contact_id(request.user) is not None:
            self.pathway = partner_pathway_get(
                user=request.user,
                public_id=kwargs["pathway_id"],
                write=request.method in self.partner_write_methods,
                path=request.path,
            )
            self.access = self.pathway.portal_access
        return super().dispatch(request, *args, **kwargs)

    def shown_reads(self):
        return [(citizen, self.pathway) for citizen in subject_citizens(self.pathway)]


class PartnerHomeView(PartnerMixin, View):
    """The pathways the partner is invited to and whose access is in force."""

    access_shown = "partner.home"

    def get(self, request):
        from samspil.meetings.experts import partner_experts

        self.pathways = selectors.partner_home(user=request.user, pathways=partner_pathways(request.user))
        # Only whether there are analysis meetings to go to: their page names the citizens (and logs it), not this one.
        has_expert_meetings = partner_experts(request.user).exists()
        context = {"pathways": self.pathways, "has_expert_meetings": has_expert_meetings}
        return render(request, "partners/home.html", context)

    def shown_reads(self):
        return [(citizen, pathway) for pathway in self.pathways for citizen in subject_citizens(pathway)]


def _pathway_context(view, bound=None) -> dict:
    page = selectors.partner_pathway_page(pathway=view.pathway, access=view.access)
    done_forms = {}
    if view.access.may_write:
        for agreement in page.agreements:
            if agreement.is_open:
                key = f"done-{agreement.public_id}"
                done_forms[key] = forms.AgreementDoneForm(prefix=key, initial={"version": agreement.version})
    done_forms.update(bound or {})
    for agreement in page.agreements:
        agreement.done_form = done_forms.get(f"done-{agreement.public_id}")
    return {"pathway": view.pathway, "access": view.access, "page": page}


class PartnerPathwayView(PartnerPathwayMixin, View):
    """The pathway: coordinator, the citizen's name, their own agreements and the meetings they are invited to."""

    access_shown = "partner.pathway"

    def get(self, request, pathway_id):
        return render(request, "partners/pathway.html", _pathway_context(self))


class PartnerPlanView(PartnerPathwayMixin, View):
    """The citizen's version of the plan (the latest saved version), as the citizen reads it."""

    access_shown = "partner.plan"

    def get(self, request, pathway_id):
        plan = selectors.partner_plan(pathway=self.pathway)
        return render(request, "partners/plan.html", {"pathway": self.pathway, "access": self.access, "plan": plan})


class PartnerPlanPdfView(PartnerPathwayMixin, View):
    """The citizen's edition of the plan as a PDF (never the case-file edition)."""

    access_shown = "partner.plan"

    def get(self, request, pathway_id):
        from samspil.plans.choices import PdfEdition
        from samspil.plans.pdf import render_plan_pdf
        from samspil.plans.selectors import plan_document

        document = plan_document(actor=request.user, pathway=self.pathway)
        response = HttpResponse(render_plan_pdf(document, edition=PdfEdition.CITIZEN), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="faelles-plan-borgerudgave.pdf"'
        return response


class PartnerAgreementDoneView(PartnerPathwayMixin, View):
    """A partner with write access marks one of their own agreements done (POST only; read access: 404)."""

    access_shown = "partner.pathway"  # a refused form answers with the pathway page (422)
    partner_write_methods = ("POST",)
    http_method_names = ["post"]

    def post(self, request, pathway_id, agreement_id):
        key = f"done-{agreement_id}"
        form = forms.AgreementDoneForm(request.POST, prefix=key)
        if form.is_valid():
            try:
                services.partner_agreement_complete(
                    actor=request.user,
                    pathway=self.pathway,
                    agreement_public_id=agreement_id,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ConflictError as error:
                saved = selectors.partner_agreement(pathway=self.pathway, access=self.access, public_id=agreement_id)
                if saved is None:
                    raise Http404 from None
                form = form_on_saved_version(form, saved_version=saved.version, message=error.message)
            else:
                messages.success(request, _("The agreement is marked done."))
                return HttpResponseRedirect(reverse("partners:pathway", args=[self.pathway.public_id]) + "#aftaler")
        if selectors.partner_agreement(pathway=self.pathway, access=self.access, public_id=agreement_id) is None:
            raise Http404
        context = _pathway_context(self, {key: form}) | {"form": form}  # the page title says there is an error
        return render(request, "partners/pathway.html", context, status=422)


class PartnerMeetingIcsView(PartnerPathwayMixin, View):
    """A meeting the partner is invited to, as an iCalendar file (kind, time and place; never minutes or names)."""

    access_shown = "partner.meeting"

    def get(self, request, pathway_id, meeting_id):
        from samspil.meetings import ics

        meeting = selectors.partner_meeting(pathway=self.pathway, access=self.access, public_id=meeting_id)
        if meeting is None:
            raise Http404
        url = request.build_absolute_uri(reverse("partners:pathway", args=[self.pathway.public_id]))
        response = HttpResponse(ics.invitation(meeting, url=url), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="samspil-moede-{day}.ics"'
        return response


# --- the one-time invitation link -------------------------------------------------------------------------------

# The status a page about a link that cannot be used answers with.
UNUSABLE_STATUS = {"unknown": 404, "expired": 410, "used": 410, "ended": 410, "account_closed": 410}
# The session key holding the token between the link and the acceptance page, as Django's password reset does: the
# token leaves the address bar at once, so it is in no Referer header, no later log line and no `next` parameter.
INVITATION_SESSION_KEY = "samspil_partner_invitation"


class InvitationMixin:
    """Pages of the invitation link: open to the anonymous; they name the coordinator (for a drop-in centre's pages
    the project leader who invited) and the centre, never a citizen, and log no read (no citizen data is shown)."""

    def context(self, invitation, **extra) -> dict:
        pathway = invitation.pathway if invitation else None
        inviter = pathway.coordinator if pathway else getattr(invitation, "invited_by", None)
        return {
            "invitation": invitation,
            "coordinator": inviter,
            "department": pathway.lead_department if pathway else None,
            **extra,
        }

    def unusable(self, problem: str, invitation=None):
        login_url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': reverse('partners:invitation_accept')})}"
        status = UNUSABLE_STATUS.get(problem, 200 if problem == "log_in_first" else 403)
        context = self.context(invitation, problem=problem, login_url=login_url)
        return render(self.request, "partners/invitation_unusable.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class InvitationLinkView(InvitationMixin, View):
    """`/partner/invitation/<token>/`, the link in the e-mail: keeps a usable token in the session and sends the
    browser on to the acceptance page; a link that cannot be used (unknown, expired, used, ended) gets a Danish page
    saying so and what to do."""

    http_method_names = ["get"]

    def get(self, request, token):
        invitation = selectors.invitation_for_token(token)
        problem = services.invitation_problem(invitation)
        if problem:
            return self.unusable(problem, invitation)
        request.session[INVITATION_SESSION_KEY] = token
        return HttpResponseRedirect(reverse("partners:invitation_accept"))


@method_decorator(never_cache, name="dispatch")
class InvitationAcceptView(InvitationMixin, View):
    """`/partner/invitation/`: accept the invitation whose link was opened in this session.

    - the contact has no account yet: choose a password (Django's validators), which creates the partner account;
      then the ordinary log-in (password and two-factor authentication);
    - the contact has an account: log in first (the session keeps the invitation), then accept with one button;
    - logged in as anyone else: refused, with what to do.
    """

    http_method_names = ["get", "post"]

    def dispatch(self, request):
        self.token = request.session.get(INVITATION_SESSION_KEY, "")
        self.invitation = selectors.invitation_for_token(self.token)
        problem = services.invitation_problem(self.invitation)
        if problem:
            return self.unusable(problem, self.invitation)
        self.account = services.existing_account(self.invitation)
        user = request.user
        if self.account is None and user.is_authenticated:
            return self.unusable("other_account", self.invitation)
        if self.account is not None and (not user.is_authenticated or user.pk != self.account.pk):
            return self.unusable("other_account" if user.is_authenticated else "log_in_first", self.invitation)
        return super().dispatch(request)

    def get(self, request):
        if self.account is not None:
            return render(request, "partners/invitation_accept.html", self.context(self.invitation))
        candidate = services.partner_account_candidate(self.invitation)
        form = forms.NewPartnerAccountForm(candidate=candidate)
        return render(
            request, "partners/invitation_new.html", self.context(self.invitation, form=form, candidate=candidate)
        )

    def post(self, request):
        try:
            if self.account is not None:
                invitation = services.partner_invitation_accept_existing(token=self.token, account=request.user)
                request.session.pop(INVITATION_SESSION_KEY, None)
                messages.success(request, _("You have accepted the invitation."))
                if invitation.is_drop_in:
                    return HttpResponseRedirect(reverse("outreach_partner:home"))
                if invitation.is_meeting:
                    return HttpResponseRedirect(reverse("partner_experts:meeting", args=[invitation.meeting.public_id]))
                return HttpResponseRedirect(reverse("partners:pathway", args=[invitation.pathway.public_id]))
            candidate = services.partner_account_candidate(self.invitation)
            form = forms.NewPartnerAccountForm(request.POST, candidate=candidate)
            if form.is_valid():
                try:
                    account = services.partner_invitation_accept_new(
                        token=self.token, password=form.cleaned_data["password1"]
                    )
                except ValidationError as error:
                    form.add_error("password1", error)
                else:
                    request.session.pop(INVITATION_SESSION_KEY, None)
                    if self.invitation.is_meeting:
                        created = _(
                            "Your account has been created. Your user name is %(username)s. Log in to see the "
                            "analysis meeting."
                        )
                    elif self.invitation.is_drop_in:
                        created = _(
                            "Your account has been created. Your user name is %(username)s. Log in to see the "
                            "drop-in centre's pages."
                        )
                    else:
                        created = _(
                            "Your account has been created. Your user name is %(username)s. Log in to see the pathway."
                        )
                    messages.success(request, created % {"username": account.username})
                    return HttpResponseRedirect(reverse(settings.LOGIN_URL))
        except services.InvitationUnusable as unusable:
            return self.unusable(unusable.reason, self.invitation)
        context = self.context(self.invitation, form=form, candidate=candidate)
        return render(request, "partners/invitation_new.html", context, status=422)
