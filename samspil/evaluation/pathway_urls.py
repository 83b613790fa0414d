"""A pathway's part in the measurement rounds (`/forloeb/<id>/maalinger/…`): case content, through the pathway scope."""

from django.urls import path

from samspil.evaluation import views

app_name = "pathway_evaluation"

urlpatterns = [
    path("", views.PathwayEvaluationView.as_view(), name="page"),
    path("trivsel/", views.Who5View.as_view(), name="who5"),
    path("kvalitet/", views.PathwayQualityView.as_view(), name="quality"),
    path("interview/", views.InterviewView.as_view(), name="interview"),
    path("interview/filer/<uuid:file_id>/", views.InterviewFileView.as_view(), name="interview_file"),
]
