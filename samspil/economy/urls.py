from django.urls import path

from samspil.economy import views

app_name = "economy"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("ydelser/", views.ServiceListView.as_view(), name="services"),
    path("ydelser/ny/", views.ServiceEditView.as_view(), name="service_create"),
    path("ydelser/<uuid:service_id>/", views.ServiceEditView.as_view(), name="service_update"),
    path("afdelinger/<uuid:department_id>/", views.DepartmentReportView.as_view(), name="department"),
    path("driftsudgifter/", views.OperatingCostView.as_view(), name="operating_costs"),
    path("fritagelser/", views.ExemptionReportView.as_view(), name="exemptions"),
    path("gennemsyn/", views.ReviewListView.as_view(), name="reviews"),
    path("gennemsyn/<uuid:review_id>/", views.ReviewView.as_view(), name="review"),
]
