"""The coordinator's side of partner access, on the pathway overview: invite an external team member to Samspil
(or change the access they have), and end the invitation or access. Both are overview actions (`PathwayActionView`:
MANAGE, the overview back with the form's errors on 422, the access log written by the mixin)."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from samspil.partners import forms, services
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import TeamMember
from samspil.pathways.views import PathwayActionView


class TeamPlaceActionView(PathwayActionView):
    """An action on one team place of the pathway (the URL's `member_id`)."""

    key_prefix = ""

    @property
    def form_key(self):
        return f"{self.key_prefix}-{self.kwargs['member_id']}"

    def member(self) -> TeamMember:
        return get_object_or_404(TeamMember.objects.filter(pathway=self.pathway), public_id=self.kwargs["member_id"])

    standalone_failure = False

    def get(self, request, pathway_id, **kwargs):
        self.member()  # a place of another pathway: 404
        return super().get(request, pathway_id, **kwargs)

    def shown_in_row(self, member: TeamMember) -> bool:
        """Whether the overview's team table shows this form for the place (else errors get a page of their own)."""
        return member.kind == TeamMemberKind.EXTERNAL and member.is_current

    def failure(self, form):
        if self.shown_in_row(self.member()):
            return super().failure(form)
        # A place the table offers no such form for (a URL made by hand): the form and its errors on their own page.
        self.standalone_failure = True
        context = {"pathway": self.pathway, "form": form, "submit": self.submit_label, "action": self.request.path}
        return render(self.request, "pathways/action_form.html", context, status=422)

    def access_read(self):
        if self.standalone_failure:
            return "pathway.form", None
        return super().access_read()


class PartnerInviteView(TeamPlaceActionView):
    key_prefix = "invite"
    form_class = forms.PartnerInviteForm
    success_message = ""

    @property
    def submit_label(self):
        return _("Send the invitation")

    def perform(self, form):
        invitation = services.partner_invite(
            actor=self.request.user, member=self.member(), level=form.cleaned_data["level"]
        )
        if invitation.accepted_at is not None:
            self.success_message = _("The partner's access to Samspil was changed.")
        else:
            self.success_message = _("The invitation was sent by e-mail.")


class PartnerAccessEndView(TeamPlaceActionView):
    key_prefix = "partner-end"
    form_class = forms.PartnerAccessEndForm

    @property
    def submit_label(self):
        return _("End access to Samspil")

    @property
    def success_message(self):
        return _("The partner's access to Samspil was ended.")

    def shown_in_row(self, member):
        return super().shown_in_row(member) and member.partner_invitations.filter(ended_at__isnull=True).exists()

    def perform(self, form):
        services.partner_access_end(actor=self.request.user, member=self.member(), reason=form.cleaned_data["reason"])
