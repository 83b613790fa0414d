from django.urls import path

from samspil.assessments import portal_views as assessment_views
from samspil.documents import portal_views as document_views
from samspil.evaluation import portal_views as evaluation_views
from samspil.portal import consent_views, insight_views, views

app_name = "portal"

# The pathway's pages take `pathway_id` (its public id); every view resolves it through `portal.access`.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("forloeb/<uuid:pathway_id>/", views.PathwayView.as_view(), name="pathway"),
    path(
        "forloeb/<uuid:pathway_id>/moeder/<uuid:meeting_id>/kalender.ics",
        views.MeetingCalendarView.as_view(),
        name="meeting_ics",
    ),
    path("forloeb/<uuid:pathway_id>/plan/", views.PlanView.as_view(), name="plan"),
    path("forloeb/<uuid:pathway_id>/plan/oensker/", views.WishesView.as_view(), name="plan_wishes"),
    path(
        "forloeb/<uuid:pathway_id>/plan/maal/<uuid:goal_id>/kommentar/",
        views.GoalCommentView.as_view(),
        name="goal_comment",
    ),
    path(
        "forloeb/<uuid:pathway_id>/plan/aftaler/<uuid:agreement_id>/udfoert/",
        views.AgreementDoneView.as_view(),
        name="agreement_done",
    ),
    path("forloeb/<uuid:pathway_id>/plan/versioner/", views.RevisionListView.as_view(), name="revisions"),
    path("forloeb/<uuid:pathway_id>/plan/versioner/<int:number>/", views.RevisionView.as_view(), name="revision"),
    # Consent, insight and the data download (portal.consent_views, portal.insight_views).
    path("forloeb/<uuid:pathway_id>/samtykke/", consent_views.ConsentView.as_view(), name="consent"),
    path(
        "forloeb/<uuid:pathway_id>/samtykke/<uuid:consent_id>/<uuid:department_id>/tilbagekald/",
        consent_views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path("forloeb/<uuid:pathway_id>/indsigt/", insight_views.InsightView.as_view(), name="insight"),
    path(
        "forloeb/<uuid:pathway_id>/mine-data.pdf",
        insight_views.ExportView.as_view(),
        {"fmt": "pdf"},
        name="export_pdf",
    ),
    path(
        "forloeb/<uuid:pathway_id>/mine-data.json",
        insight_views.ExportView.as_view(),
        {"fmt": "json"},
        name="export_json",
    ),
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
    # The joint assessment's latest approved combined report, the citizen version (samspil.assessments).
    path("forloeb/<uuid:pathway_id>/udredning/", assessment_views.PortalAssessmentView.as_view(), name="assessment"),
    path(
        "forloeb/<uuid:pathway_id>/udredning/udredning.pdf",
        assessment_views.PortalAssessmentPdfView.as_view(),
        name="assessment_pdf",
    ),
    # WHO-5 in an open measurement round of the pathway's programme (samspil.evaluation).
    path("forloeb/<uuid:pathway_id>/trivsel/", evaluation_views.PortalWho5View.as_view(), name="who5"),
]
