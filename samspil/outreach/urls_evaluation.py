"""Staff pages: the evaluation of the drop-in-centre model and its exports (see urls.py)."""

from django.urls import path

from samspil.outreach import views_evaluation as views

urlpatterns = [
    path("", views.EvaluationView.as_view(), name="evaluation"),
    path("evaluering.xlsx", views.EvaluationXlsxView.as_view(), name="evaluation_xlsx"),
    path("evaluering.csv", views.EvaluationCsvView.as_view(), name="evaluation_csv"),
]
