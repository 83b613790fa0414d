"""Staff pages: appointments and no-shows (see urls.py and views_appointments.py)."""

from django.urls import path

from samspil.outreach import views_appointments as views

urlpatterns = [
    path("", views.AppointmentListView.as_view(), name="appointments"),
    path("ny/", views.AppointmentCreateView.as_view(), name="appointments_create"),
    path("<uuid:appointment_id>/", views.AppointmentEditView.as_view(), name="appointments_edit"),
    path("<uuid:appointment_id>/udfald/", views.AppointmentOutcomeView.as_view(), name="appointments_outcome"),
]
