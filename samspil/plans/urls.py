from django.urls import path

from samspil.plans import views

app_name = "plans"

# Included at forloeb/<uuid:pathway_id>/plan/, so every view receives `pathway_id`.
urlpatterns = [
    path("", views.PlanView.as_view(), name="plan"),
    path("oensker/", views.WishesView.as_view(), name="wishes"),
    path("maal/", views.GoalAddView.as_view(), name="goal_add"),
    path("maal/<uuid:goal_id>/", views.GoalView.as_view(), name="goal"),
    path("maal/<uuid:goal_id>/ret/", views.GoalUpdateView.as_view(), name="goal_update"),
    path("maal/<uuid:goal_id>/opfoelgning/", views.GoalFollowUpView.as_view(), name="goal_follow_up"),
    path("maal/<uuid:goal_id>/aftaler/", views.AgreementAddView.as_view(), name="agreement_add"),
    path("aftaler/<uuid:agreement_id>/status/", views.AgreementStatusView.as_view(), name="agreement_status"),
    path("versioner/", views.RevisionListView.as_view(), name="revisions"),
    path("versioner/<int:number>/borger/", views.RevisionCitizenResponseView.as_view(), name="revision_response"),
    path("sammenlign/", views.CompareView.as_view(), name="compare"),
    path("pdf/", views.PdfView.as_view(), name="pdf"),
]
