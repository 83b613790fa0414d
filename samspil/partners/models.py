"""An external professional's access to a pathway: the coordinator's invitation and, once accepted, the access.

The contact person of a partner (drop-in centre, school, placement institution, private provider) who holds an
external place on a pathway's team is invited by the coordinator with read or read-and-write access. The
invitation carries a one-time token, stored only as its SHA-256 hash; the raw token travels once, in the e-mail's
link. Accepting it gives the contact a partner account (or links the one they have), and from then on
`portal.access.partner_pathway_get` is the one rule that decides whether the access is in force.
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
    """One invitation of an external team member to one pathway, and the access it gives once accepted.

    At most one invitation per team place is live (not ended); a new invitation ends the one before. The access is
    in force while the invitation is accepted and not ended, the team place is current and the partner account is
    active (`portal.access`). Ending the team place ends it (`pathways.services.team_member_end`).
    """

    change_log_redacted = frozenset({"token_hash"})

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="partner_invitations", verbose_name=_("pathway")
    )
    team_member = models.ForeignKey(
        "pathways.TeamMember",
        on_delete=models.PROTECT,
        related_name="partner_invitations",
        verbose_name=_("team member"),
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
