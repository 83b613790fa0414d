"""The drop-in-centre model's staff pages, mounted at /vaeresteder/ (one module of views per area, one owner each)."""

from django.urls import include, path

app_name = "outreach"

urlpatterns = [
    path("", include("samspil.outreach.urls_agreements")),
    path("samtaler/", include("samspil.outreach.urls_contacts")),
    path("evaluering/", include("samspil.outreach.urls_evaluation")),
    path("aftaler-med-borgere/", include("samspil.outreach.urls_appointments")),
]
