from django.urls import path

from samspil.documents import portal_views as document_views

app_name = "portal"

urlpatterns = [
    # Shared documents and the messages with the coordinator (samspil.documents).
    path("forloeb/<uuid:pathway_id>/dokumenter/", document_views.PortalDocumentListView.as_view(), name="documents"),
    path(
        "forloeb/<uuid:pathway_id>/dokumenter/del/",
        document_views.PortalDocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "forloeb/<uuid:pathway_id>/dokumenter/<uuid:document_id>/hent/",
        document_views.PortalDocumentDownloadView.as_view(),
        name="document_download",
    ),
    path("forloeb/<uuid:pathway_id>/beskeder/", document_views.PortalMessagesView.as_view(), name="messages"),
]
