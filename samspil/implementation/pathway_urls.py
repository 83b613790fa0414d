"""The pathway's own URL of programme management, mounted under /forloeb/<id>/pilot/: the pilot-case marking."""

from django.urls import path

from samspil.implementation import views

app_name = "implementation_pathway"

urlpatterns = [
    path("", views.PilotView.as_view(), name="pilot"),
]
