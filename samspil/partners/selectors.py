"""Reads for partner invitations and the partner pages.

The partner's pathway has been resolved by `portal.access.partner_pathway_get` (the one rule); the reads below
filter on that pathway and on the partner's own team place. The pages' mixin (`partners.views`) writes the access
log; nothing here logs.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from samspil.partners.choices import InvitationState
from samspil.partners.models import PartnerInvitation, token_hash

# What is read of a team place's live (not ended) invitation, with the team on the pathway overview (here and in
# `pathways.selectors`): no extra query.
INVITATION_FIELDS = ("public_id", "level", "accepted_at", "expires_at", "created_at")


def team_invitation_annotations() -> dict:
    """Annotations for a `TeamMember` queryset: `partner_invitation_<field>` of the place's live invitation."""
    live = PartnerInvitation.objects.filter(team_member=OuterRef("pk"), ended_at__isnull=True).order_by("-created_at")
    return {f"partner_invitation_{name}": Subquery(live.values(name)[:1]) for name in INVITATION_FIELDS}


@dataclass(frozen=True)
class TeamInvitation:
    """What the overview says about an external team member's access to Samspil."""

    public_id: object
    state: str
    level: str
    expires_at: object
    invited_at: object

    @property
    def state_label(self) -> str:
        return InvitationState(self.state).label

    @property
    def is_accepted(self) -> bool:
        return self.state == InvitationState.ACCEPTED

    @property
    def level_label(self):
        from samspil.partners.choices import PartnerLevel

        return PartnerLevel(self.level).label


def team_invitation(member) -> TeamInvitation | None:
    """The live invitation of a team place read through `team_invitation_annotations`, or None."""
    public_id = getattr(member, "partner_invitation_public_id", None)
    if public_id is None:
        return None
    accepted_at, expires_at = member.partner_invitation_accepted_at, member.partner_invitation_expires_at
    if accepted_at is not None:
        state = InvitationState.ACCEPTED
    elif expires_at <= timezone.now():
        state = InvitationState.EXPIRED
    else:
        state = InvitationState.PENDING
    return TeamInvitation(
        public_id=public_id,
        state=state,
        level=member.partner_invitation_level,
        expires_at=expires_at,
        invited_at=member.partner_invitation_created_at,
    )


def invitation_for_token(token: str, *, lock: bool = False) -> PartnerInvitation | None:
    """The invitation a one-time link's token names (by its hash), or None. Anyone may hold a link: the caller
    checks its state (`PartnerInvitation.state`) and shows nothing of the pathway (or of the drop-in centre's
    conversations)."""
    if not token or len(token) > 100:
        return None
    invitations = PartnerInvitation.objects.select_related(
        "external_contact__organisation",
        "team_member",
        "pathway__coordinator",
        "pathway__lead_department",
        "centre",
        "meeting",
        "invited_by",
    )
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=token_hash(token)).first()


# --- the partner pages ----------------------------------------------------------------------------------------
# The pathway comes from `portal.access` with its `PartnerAccess`: these read only what hangs off it and off the
# partner's own team place. Meeting minutes and cancellation reasons are never read here.


def partner_home(*, user, pathways: list) -> list:
    """The pathways of `partner_pathways`, with the current members of a family read in one query (the subjects, as
    `pathways.selectors.subject_citizens` reads them)."""
    from django.db.models import Prefetch, prefetch_related_objects

    from samspil.citizens.models import HouseholdMember

    families = [pathway for pathway in pathways if not pathway.citizen_id]
    if families:
        current = HouseholdMember.objects.current().select_related("citizen").order_by("member_from", "id")
        prefetch_related_objects(families, Prefetch("household__memberships", queryset=current))
        for pathway in families:
            pathway._subject_citizens = [member.citizen for member in pathway.household.memberships.all()]
    return pathways


@dataclass
class PartnerPathwayPage:
    citizens: list
    agreements: list
    meetings: list
    coordinator_phone: str
    coordinator_email: str

    @property
    def upcoming_meetings(self) -> list:
        now = timezone.now()
        return [meeting for meeting in self.meetings if meeting.ends_at >= now]

    @property
    def past_meetings(self) -> list:
        now = timezone.now()
        return [meeting for meeting in self.meetings if meeting.ends_at < now]


def _own_agreements(*, pathway, access):
    from samspil.plans.models import Agreement

    return Agreement.objects.filter(pathway=pathway, owner=access.team_member)


def partner_agreement(*, pathway, access, public_id):
    """One of the partner's own agreements on the pathway, or None."""
    return _own_agreements(pathway=pathway, access=access).filter(public_id=public_id).first()


def _invited_meetings(*, pathway, access):
    from samspil.meetings.models import Meeting

    return (
        Meeting.objects.filter(
            pathway=pathway, participants__team_member=access.team_member, participants__invited=True
        )
        .defer("minutes", "cancel_reason")
        .distinct()
    )


def partner_meeting(*, pathway, access, public_id):
    """A meeting of the pathway the partner's team place is invited to, or None."""
    return _invited_meetings(pathway=pathway, access=access).filter(public_id=public_id).first()


def partner_pathway_page(*, pathway, access) -> PartnerPathwayPage:
    """What the partner's pathway page shows, in a few queries: the citizens' names, the partner's own agreements
    (with their goal), and the meetings they are invited to (without minutes)."""
    from samspil.pathways.selectors import subject_citizens

    agreements = list(
        _own_agreements(pathway=pathway, access=access).select_related("goal").order_by("completed_on", "due_on", "id")
    )
    meetings = list(_invited_meetings(pathway=pathway, access=access).order_by("starts_at", "id"))
    coordinator = pathway.coordinator
    return PartnerPathwayPage(
        citizens=subject_citizens(pathway),
        agreements=agreements,
        meetings=meetings,
        coordinator_phone=coordinator.phone,
        coordinator_email=coordinator.email,
    )


@dataclass
class PartnerPlan:
    """The citizen's version of the plan: the latest saved version (or the plan as it is, when none is saved)."""

    snapshot: dict
    revision: object
    groups: list  # (title, goals) per family member, or one group


def partner_plan(*, pathway) -> PartnerPlan:
    from samspil.plans.selectors import plan_document
    from samspil.plans.snapshot import citizen_edition

    document = plan_document(actor=None, pathway=pathway)
    snapshot = citizen_edition(document.snapshot)
    groups: dict[str, list] = {}
    for goal in snapshot.get("goals", []):
        groups.setdefault(goal.get("member_name", ""), []).append(goal)
    return PartnerPlan(snapshot=snapshot, revision=document.revision, groups=list(groups.items()))
