"""Who may do what in the drop-in-centre model. The one place these rules live; views and scopes ask here.

- Registering conversations and appointments, and reading the registrations: staff with a case role (caseworkers,
  professionals, team leaders) for their own departments and what they registered themselves; the project leader
  (who types in the paper forms) for the whole municipality.
- Agreements, timetable hours, group activities: the project leader writes them; every staff member reads the
  timetable (it says where to meet the citizen).
- The evaluation (figures only, small-number rule): aggregate roles and the project leader.
- Drop-in staff (a partner account whose contact person belongs to a drop-in centre with an agreement in force, and
  who accepted the project leader's invitation to the centre's pages, not ended since): the contacts at their own
  centre, nothing else (`partner_centre`). The project leader invites and ends that access on the agreement's page
  (`services_access`); the invitation is accepted through the partners' one-time link (`partners.views`).
- The citizen's rating link: anyone holding it, once, until it expires; it shows
  no citizen (`services.rating_link_get`).
"""

from django.db.models import Q
from django.utils import timezone

from samspil.access import policy
from samspil.organisations.choices import ExternalOrganisationKind, StaffRole

DROP_IN_KINDS = (ExternalOrganisationKind.DROP_IN_MUNICIPAL, ExternalOrganisationKind.DROP_IN_PRIVATE)


def can_register(user) -> bool:
    """Register conversations and appointments, see the registrations of one's departments, link contacts."""
    return policy.can_do_case_work(user) or policy.can_run_programmes(user)


def can_manage(user) -> bool:
    """Agreements and their hours and contacts, group activities: the project leader."""
    return policy.can_run_programmes(user)


def can_read_figures(user) -> bool:
    """The evaluation's figures (with the small-number rule)."""
    return policy.can_see_aggregates(user) or policy.can_run_programmes(user)


def can_read_timetable(user) -> bool:
    return policy.is_municipal_staff(user)


def sees_whole_municipality(user) -> bool:
    """The project leader reads every registration of the municipality (they type in the paper forms)."""
    return policy.is_municipal_staff(user) and StaffRole.PROJECT_LEADER in policy._current_roles(user)


def partner_centre(user, today=None):
    """The drop-in centre a partner account works at, or None: the account's contact person belongs to the centre,
    the centre has a cooperation agreement in force today, and the account holds an accepted drop-in invitation to
    it that has not been ended (ending it shuts the pages at the next request)."""
    from django.db.models import Exists, OuterRef

    from samspil.organisations.models import ExternalOrganisation
    from samspil.outreach.models import CooperationAgreement
    from samspil.partners.models import PartnerInvitation
    from samspil.portal.access import partner_contact_id

    contact_id = partner_contact_id(user)
    if contact_id is None:
        return None
    cached = getattr(user, "_samspil_partner_centre", False)
    if cached is not False:
        return cached
    today = today or timezone.localdate()
    agreement_in_force = CooperationAgreement.objects.filter(centre=OuterRef("pk"), starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    invitation_in_force = PartnerInvitation.objects.filter(
        centre=OuterRef("pk"),
        external_contact_id=contact_id,
        account=user,
        accepted_at__isnull=False,
        ended_at__isnull=True,
    )
    centre = (
        ExternalOrganisation.objects.filter(
            municipality_id=user.municipality_id, kind__in=DROP_IN_KINDS, contacts__id=contact_id
        )
        .filter(Exists(agreement_in_force), Exists(invitation_in_force))
        .first()
    )
    user._samspil_partner_centre = centre
    return centre
