from django.urls import path

from samspil.results import views

app_name = "results"

# Mounted at `forloeb/<uuid:pathway_id>/borgerstatus/` (config/urls.py).
urlpatterns = [
    path("", views.StatusHistoryView.as_view(), name="history"),
    path("ny/", views.StatusRecordView.as_view(), name="record"),
    path("moede/<uuid:meeting_id>/", views.MeetingStatusRecordView.as_view(), name="record_at_meeting"),
    path("maalgruppe/", views.TargetGroupView.as_view(), name="target_group"),
]
