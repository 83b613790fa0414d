"""The benchmark's pages: mounted by samspil/config/urls.py only when `settings.SAMSPIL_BENCH` is on (never in
production; `make bench` sets SAMSPIL_BENCH=1 for its own server)."""

from django.urls import path

from samspil.demo import views

app_name = "bench"

urlpatterns = [
    path("gulv/", views.floor, name="floor"),
    path("side/", views.layout, name="layout"),
]
