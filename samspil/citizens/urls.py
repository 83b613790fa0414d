from django.urls import path

from samspil.citizens import views

app_name = "citizens"

urlpatterns = [
    path("soeg/", views.CitizenSearchView.as_view(), name="search"),
    path("ny/", views.CitizenCreateView.as_view(), name="create"),
    path("<uuid:citizen_id>/nyt-forloeb/", views.PathwayOpenView.as_view(), name="open_pathway"),
    path("henvisninger/", views.ReferralListView.as_view(), name="referrals"),
    path("henvisninger/<uuid:referral_id>/", views.ReferralView.as_view(), name="referral"),
    path("henvisninger/<uuid:referral_id>/cpr/", views.ReferralCprView.as_view(), name="referral_cpr"),
    path("henvisninger/<uuid:referral_id>/tag/", views.ReferralTakeView.as_view(), name="referral_take"),
    path("henvisninger/<uuid:referral_id>/afvis/", views.ReferralDeclineView.as_view(), name="referral_decline"),
]
