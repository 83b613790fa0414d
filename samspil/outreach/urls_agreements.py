"""Staff pages: the hub, cooperation agreements, the outreach timetable and group activities (see urls.py and
views_agreements.py)."""

from django.urls import path

from samspil.outreach import views_agreements as views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("aftaler/", views.AgreementListView.as_view(), name="agreements"),
    path("aftaler/ny/", views.AgreementCreateView.as_view(), name="agreements_create"),
    path("aftaler/<uuid:agreement_id>/", views.AgreementDetailView.as_view(), name="agreements_detail"),
    path("aftaler/<uuid:agreement_id>/rediger/", views.AgreementEditView.as_view(), name="agreements_edit"),
    path("aftaler/<uuid:agreement_id>/dokument/", views.AgreementDocumentView.as_view(), name="agreements_document"),
    path("steder/<uuid:centre_id>/", views.CentreView.as_view(), name="agreements_centre"),
    path("tidsplan/", views.TimetableView.as_view(), name="timetable"),
    path("steder/<uuid:centre_id>/tidsplan/", views.TimetableView.as_view(), name="timetable_centre"),
    path("aktiviteter/", views.ActivityListView.as_view(), name="activities"),
    path("aktiviteter/<uuid:activity_id>/", views.ActivityView.as_view(), name="activities_detail"),
    path(
        "aktiviteter/<uuid:activity_id>/gange/<uuid:session_id>/",
        views.SessionView.as_view(),
        name="activities_session",
    ),
]
