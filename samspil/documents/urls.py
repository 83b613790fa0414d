from django.urls import path

from samspil.documents import views

app_name = "documents"

# Included at forloeb/<uuid:pathway_id>/, so every view receives `pathway_id`.
urlpatterns = [
    path("dokumenter/", views.DocumentListView.as_view(), name="list"),
    path("dokumenter/del/", views.DocumentUploadView.as_view(), name="upload"),
    path("dokumenter/<uuid:document_id>/hent/", views.DocumentDownloadView.as_view(), name="download"),
    path("dokumenter/<uuid:document_id>/fjern/", views.DocumentRemoveView.as_view(), name="remove"),
    path("beskeder/", views.MessageListView.as_view(), name="messages"),
    path("beskeder/skriv/", views.MessageSendView.as_view(), name="message_send"),
]
