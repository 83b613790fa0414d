from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from samspil.api import views
from samspil.results.api import StatusEntriesApiView

app_name = "api"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("forloeb/", views.MyPathwaysApiView.as_view(), name="pathways"),
    path("forloeb/<uuid:pathway_id>/", views.PathwayApiView.as_view(), name="pathway"),
    path("forloeb/<uuid:pathway_id>/borgerstatus/", StatusEntriesApiView.as_view(), name="status_entries"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]
