"""The partner pages, mounted at /partner/ (partner accounts only; the invitation link is open to anyone holding it).

The coordinator's side (inviting, ending the access) lives on the pathway overview: `pathways:partner_invite` and
`pathways:partner_access_end` (`partners.staff_views`).
"""

from django.urls import path

from samspil.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerHomeView.as_view(), name="home"),
    path("invitation/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("invitation/<str:token>/", views.InvitationLinkView.as_view(), name="invitation"),
    path("forloeb/<uuid:pathway_id>/", views.PartnerPathwayView.as_view(), name="pathway"),
    path("forloeb/<uuid:pathway_id>/plan/", views.PartnerPlanView.as_view(), name="plan"),
    path("forloeb/<uuid:pathway_id>/plan/pdf/", views.PartnerPlanPdfView.as_view(), name="plan_pdf"),
    path(
        "forloeb/<uuid:pathway_id>/aftaler/<uuid:agreement_id>/udfoert/",
        views.PartnerAgreementDoneView.as_view(),
        name="agreement_done",
    ),
    path(
        "forloeb/<uuid:pathway_id>/moeder/<uuid:meeting_id>/invitation.ics",
        views.PartnerMeetingIcsView.as_view(),
        name="meeting_ics",
    ),
]
