from django.urls import path

from samspil.citizens import views

app_name = "citizens"

urlpatterns = [
    path("soeg/", views.CitizenSearchView.as_view(), name="search"),
    path("ny/", views.CitizenCreateView.as_view(), name="create"),
    path("<uuid:citizen_id>/nyt-forloeb/", views.PathwayOpenView.as_view(), name="open_pathway"),
]
