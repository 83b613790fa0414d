"""The joint assessment of a pathway, mounted at /forloeb/<pathway_id>/udredning/ (see views.py)."""

from django.urls import path

from samspil.assessments import views

app_name = "assessments"

# Included at forloeb/<uuid:pathway_id>/udredning/, so every view receives `pathway_id`.
urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="list"),
    path("ny/", views.AssessmentStartView.as_view(), name="start"),
    path("<uuid:assessment_id>/", views.AssessmentDetailView.as_view(), name="detail"),
    path("<uuid:assessment_id>/undersoegelser/", views.StudyAddView.as_view(), name="study_add"),
    path("<uuid:assessment_id>/undersoegelser/<uuid:study_id>/", views.StudyDoneView.as_view(), name="study_done"),
    path(
        "<uuid:assessment_id>/undersoegelser/<uuid:study_id>/fjern/",
        views.StudyRemoveView.as_view(),
        name="study_remove",
    ),
    path("<uuid:assessment_id>/familiens-perspektiv/", views.FamilyViewView.as_view(), name="family_view"),
    path("<uuid:assessment_id>/afsnit/", views.SectionAddView.as_view(), name="section_add"),
    path("<uuid:assessment_id>/afsnit/<uuid:section_id>/", views.SectionEditView.as_view(), name="section_edit"),
    path("<uuid:assessment_id>/fund/", views.FindingAddView.as_view(), name="finding_add"),
    path("<uuid:assessment_id>/fund/<uuid:finding_id>/", views.FindingEditView.as_view(), name="finding_edit"),
    path(
        "<uuid:assessment_id>/fund/<uuid:finding_id>/fjern/", views.FindingRemoveView.as_view(), name="finding_remove"
    ),
    path("<uuid:assessment_id>/sammenskriv/", views.CompileView.as_view(), name="compile"),
    path("<uuid:assessment_id>/rapport/<int:number>/", views.ReportView.as_view(), name="report"),
    path("<uuid:assessment_id>/rapport/<int:number>/godkend/", views.ReportApproveView.as_view(), name="approve"),
    path("<uuid:assessment_id>/rapport/<int:number>/pdf/", views.ReportPdfView.as_view(), name="pdf"),
    path("<uuid:assessment_id>/sammenlign/", views.CompareView.as_view(), name="compare"),
]
