"""Drop-in staff's pages (partner accounts of a centre with an agreement in force), at /partner/vaerested/."""

from django.urls import path

from samspil.outreach import views_partner as views

app_name = "outreach_partner"

urlpatterns = [
    path("", views.PartnerHomeView.as_view(), name="home"),
    path("ny/", views.PartnerCreateView.as_view(), name="create"),
    path("personer/soeg/", views.PartnerPersonSearchView.as_view(), name="person_search"),
    path("<uuid:registration_id>/", views.PartnerRegistrationView.as_view(), name="registration"),
    path("<uuid:registration_id>/vurderingslink/", views.PartnerRatingLinkView.as_view(), name="rating_link"),
]
