from django.urls import path

from samspil.partners import staff_views as partner_staff_views
from samspil.pathways import household_views, task_views, views
from samspil.portal import staff_views as portal_staff_views

app_name = "pathways"

urlpatterns = [
    path("", views.MyPathwaysView.as_view(), name="mine"),
    path("arbejdsliste/", views.WorklistView.as_view(), name="worklist"),
    path("opgaver/", task_views.TaskListView.as_view(), name="tasks"),
    path("<uuid:pathway_id>/", views.PathwayOverviewView.as_view(), name="overview"),
    path("<uuid:pathway_id>/status/", views.StatusChangeView.as_view(), name="status"),
    path("<uuid:pathway_id>/koordinator/", views.CoordinatorChangeView.as_view(), name="coordinator_change"),
    path("<uuid:pathway_id>/foraeldremyndighed/", views.GuardianAddView.as_view(), name="guardian_add"),
    path("<uuid:pathway_id>/familie/", household_views.HouseholdMemberAddView.as_view(), name="household_add"),
    path(
        "<uuid:pathway_id>/familie/<uuid:household_member_id>/afslut/",
        household_views.HouseholdMemberEndView.as_view(),
        name="household_end",
    ),
    path("<uuid:pathway_id>/team/medarbejder/", views.TeamAddView.as_view(), {"kind": "staff"}, name="team_add_staff"),
    path(
        "<uuid:pathway_id>/team/ekstern/", views.TeamAddView.as_view(), {"kind": "external"}, name="team_add_external"
    ),
    path("<uuid:pathway_id>/team/netvaerk/", views.TeamAddView.as_view(), {"kind": "network"}, name="team_add_network"),
    path("<uuid:pathway_id>/team/<uuid:member_id>/afslut/", views.TeamEndView.as_view(), name="team_end"),
    path(
        "<uuid:pathway_id>/team/<uuid:member_id>/inviter/",
        partner_staff_views.PartnerInviteView.as_view(),
        name="partner_invite",
    ),
    path(
        "<uuid:pathway_id>/team/<uuid:member_id>/partneradgang/afslut/",
        partner_staff_views.PartnerAccessEndView.as_view(),
        name="partner_access_end",
    ),
    path("<uuid:pathway_id>/samtykke/", views.ConsentRecordView.as_view(), name="consent_add"),
    path(
        "<uuid:pathway_id>/samtykke/<uuid:consent_id>/tilbagekald/",
        views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path("<uuid:pathway_id>/hjemmel/", views.LegalBasisView.as_view(), name="legal_basis_add"),
    path("<uuid:pathway_id>/adgang/", views.GrantCreateView.as_view(), name="grant_add"),
    path("<uuid:pathway_id>/adgang/<uuid:grant_id>/tilbagekald/", views.GrantRevokeView.as_view(), name="grant_revoke"),
    path("<uuid:pathway_id>/cpr/<uuid:citizen_id>/", views.CprRevealView.as_view(), name="cpr_reveal"),
    path("<uuid:pathway_id>/adgangslog/", views.AccessLogView.as_view(), name="access_log"),
    path("<uuid:pathway_id>/noedadgang/", views.BreakGlassView.as_view(), name="break_glass"),
    path("<uuid:pathway_id>/portaladgang/", portal_staff_views.PortalRightView.as_view(), name="portal_right"),
]
