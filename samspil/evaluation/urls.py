"""The programme's measurement rounds (`/programmer/<code>/maalinger/…`): figures only, no case content."""

from django.urls import path

from samspil.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("<slug:code>/maalinger/", views.RoundListView.as_view(), name="rounds"),
    path("<slug:code>/maalinger/<int:number>/", views.RoundView.as_view(), name="round"),
    path("<slug:code>/maalinger/<int:number>/luk/", views.RoundCloseView.as_view(), name="round_close"),
    path("<slug:code>/maalinger/<int:number>/koordinering/", views.CoordinationView.as_view(), name="coordination"),
    path("<slug:code>/maalinger/<int:number>/ledergruppen/", views.LeaderAssessmentView.as_view(), name="leaders"),
    path("<slug:code>/maalinger/<int:number>/interviews/", views.AnonymousInterviewsView.as_view(), name="interviews"),
    path(
        "<slug:code>/maalinger/<int:number>/interviews/filer/<uuid:file_id>/",
        views.AnonymousInterviewFileView.as_view(),
        name="interview_file",
    ),
]
