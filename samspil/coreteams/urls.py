"""The core teams and their caseload status meetings, mounted at /kerneteamer/ (see views.py)."""

from django.urls import path

from samspil.coreteams import views

app_name = "coreteams"

urlpatterns = [
    path("", views.TeamListView.as_view(), name="list"),
    path("<uuid:team_id>/", views.TeamView.as_view(), name="team"),
    path("moeder/<uuid:meeting_id>/", views.MeetingView.as_view(), name="meeting"),
]
