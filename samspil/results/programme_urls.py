"""The documentation model's pages, mounted at /programmer/ (after `implementation`, whose programme-code converter
leaves `resultater/` to these)."""

from django.urls import path

from samspil.results import dashboard_views as views

app_name = "programme_results"

urlpatterns = [
    path("resultater/", views.OverviewView.as_view(), name="overview"),
    path("resultater.xlsx", views.OverviewExportView.as_view(), name="overview_export"),
    path("<slug:code>/resultater/", views.ProgrammeResultsView.as_view(), name="programme"),
    path("<slug:code>/resultater.xlsx", views.ProgrammeExportView.as_view(), name="export"),
    path("<slug:code>/resultater/mine/", views.CaseloadView.as_view(), name="caseload"),
]
