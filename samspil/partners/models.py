"""An external professional's access to Samspil: an invitation and, once accepted, the access it gives.

Two kinds of invitation share one model, one one-time link and one way of accepting (`partners.views`):

- a **pathway invitation**: the contact person of a partner (drop-in centre, school, placement institution, private
  provider) who holds an external place on a pathway's team is invited by the coordinator with read or
  read-and-write access; `portal.access.partner_pathway_get` is the one rule that decides whether it is in force;
- a **drop-in invitation** (`centre`): the project leader invites a contact person of a drop-in centre to the
  centre's pages (`/partner/vaerested/`, register and see the conversations at the centre);
  `outreach.access.partner_centre` is the one rule that decides whether it is in force.
- a **meeting invitation** (`meeting`, with the meeting's `pathway` and no team place): the coordinator invites an
  external contact person as an outside expert to one analysis meeting (`meetings.MeetingExpert`), read only, until
  the meeting ends; `meetings.experts` is the one rule that decides whether it is in force.

The invitation carries a one-time token, stored only as its SHA-256 hash; the raw token travels once, in the
e-mail's link. Accepting it gives the contact a partner account (or links the one they have).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.partners.choices import InvitationState, PartnerLevel


def token_hash(token: str) -> str:
    """The stored form of an invitation token: its SHA-256 hex digest (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


class PartnerInvitation(ChangeLogged, TenantModel):
    """One invitation of an external contact person to one pathway (`pathway` and `team_member`) or to one drop-in
    centre's pages (`centre`), and the access it gives once accepted.

    At most one invitation per team place, and per centre and contact person, is live (not ended); a new invitation
    ends the one before. A pathway invitation's access is in force while it is accepted and not ended, the team place
    is current and the partner account is active (`portal.access`); ending the team place ends it
    (`pathways.services.team_member_end`). A drop-in invitation's access is in force while it is accepted and not
    ended and the centre has a cooperation agreement in force (`outreach.access.partner_centre`).
    """

    change_log_redacted = frozenset({"token_hash"})

    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_invitations",
        verbose_name=_("pathway"),
    )
    team_member = models.ForeignKey(
        "pathways.TeamMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_invitations",
        verbose_name=_("team member"),
    )
    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drop_in_invitations",
        verbose_name=_("drop-in centre"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_invitations",
        verbose_name=_("analysis meeting"),
    )
    external_contact = models.ForeignKey(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        related_name="partner_invitations",
        verbose_name=_("external contact"),
    )
    level = models.CharField(_("access"), max_length=10, choices=PartnerLevel.choices, default=PartnerLevel.READ)
    email = models.EmailField(_("sent to"))
    token_hash = models.CharField(_("token (hashed)"), max_length=64, editable=False)
    expires_at = models.DateTimeField(_("invitation expires"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_invitations",
        verbose_name=_("partner account"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "token_hash"], name="partner_invitation_unique_token"),
            models.UniqueConstraint(
                fields=["municipality", "team_member"],
                condition=Q(ended_at__isnull=True),
                name="partner_invitation_one_live_per_place",
            ),
            models.UniqueConstraint(
                fields=["municipality", "centre", "external_contact"],
                condition=Q(ended_at__isnull=True, centre__isnull=False),
                name="partner_invitation_one_live_per_centre_contact",
            ),
            models.UniqueConstraint(
                fields=["municipality", "meeting", "external_contact"],
                condition=Q(ended_at__isnull=True, meeting__isnull=False),
                name="partner_invitation_one_live_per_meeting_contact",
            ),
            models.CheckConstraint(
                condition=Q(pathway__isnull=False, team_member__isnull=False, centre__isnull=True, meeting__isnull=True)
                | Q(pathway__isnull=True, team_member__isnull=True, centre__isnull=False, meeting__isnull=True)
                | Q(pathway__isnull=False, team_member__isnull=True, centre__isnull=True, meeting__isnull=False),
                name="partner_invitation_pathway_centre_or_meeting",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(account__isnull=False),
                name="partner_invitation_accepted_by_account",
            ),
        ]
        indexes = [
            models.Index(fields=["token_hash"]),
            models.Index(fields=["external_contact", "ended_at"]),
        ]

    def __str__(self):
        if self.is_meeting:
            return gettext("Invitation of %(name)s to an analysis meeting") % {"name": self.external_contact.name}
        if self.is_drop_in:
            return gettext("Invitation of %(name)s to the drop-in centre's pages") % {
                "name": self.external_contact.name
            }
        return gettext("Invitation of %(name)s: %(level)s") % {
            "name": self.external_contact.name,
            "level": self.get_level_display().lower(),
        }

    def state(self, now=None) -> str:
        """`InvitationState`: ended, accepted, expired (never accepted in time) or pending."""
        if self.ended_at is not None:
            return InvitationState.ENDED
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def may_write(self) -> bool:
        return self.level == PartnerLevel.WRITE

    @property
    def is_drop_in(self) -> bool:
        """An invitation to a drop-in centre's pages (else to a pathway)."""
        return self.centre_id is not None

    @property
    def is_meeting(self) -> bool:
        """An invitation of an outside expert to one analysis meeting (`meetings.MeetingExpert`): read only, until
        the meeting ends (`meetings.experts` is the rule). It carries the meeting's pathway, never a team place."""
        return self.meeting_id is not None
