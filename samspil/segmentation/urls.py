from django.urls import path

from samspil.segmentation import views

app_name = "segmentation"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("indlaes/", views.UploadView.as_view(), name="upload"),
    path("indlaesninger/<uuid:import_id>/", views.ImportView.as_view(), name="import"),
    path("indlaesninger/<uuid:import_id>/fremdrift/", views.ImportProgressView.as_view(), name="import_progress"),
    path("indlaesninger/<uuid:import_id>/fejl.csv", views.ImportBadRowsView.as_view(), name="import_bad_rows"),
    path("kandidater/", views.CandidateListView.as_view(), name="candidates"),
    path("kandidater/regel/", views.RuleUpdateView.as_view(), name="rule"),
    path("kandidater/<uuid:candidate_id>/", views.CandidateView.as_view(), name="candidate"),
    path("kandidater/<uuid:candidate_id>/klassificer/", views.ClassifyView.as_view(), name="classify"),
    path("kandidater/<uuid:candidate_id>/henvis/", views.ReferView.as_view(), name="refer"),
]
