"""The citizen's one-time rating link, open without log-in, at /vurdering/<token>/."""

from django.urls import path

from samspil.outreach import views_rating

app_name = "outreach_rating"

urlpatterns = [
    path("<str:token>/", views_rating.RatingView.as_view(), name="rate"),
]
