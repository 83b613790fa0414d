from django.urls import path

from samspil.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.LeadershipView.as_view(), name="leadership"),
]
