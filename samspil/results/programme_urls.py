from django.urls import path  # noqa: F401

app_name = "programme_results"

urlpatterns = []
