from django.urls import path

from samspil.economy import views

app_name = "pathway_economy"

# Included at forloeb/<uuid:pathway_id>/oekonomi/, so every view receives `pathway_id`.
urlpatterns = [
    path("", views.EconomyPageView.as_view(), name="page"),
    path("indsatser/", views.InterventionAddView.as_view(), name="intervention_add"),
    path("indsatser/<uuid:intervention_id>/afslut/", views.InterventionEndView.as_view(), name="intervention_end"),
    path(
        "indsatser/<uuid:intervention_id>/finansiering/",
        views.FinancingDecideView.as_view(),
        name="financing_decide",
    ),
    path("fritagelser/", views.ExemptionAddView.as_view(), name="exemption_add"),
    path("gennemsyn/", views.ReviewRequestView.as_view(), name="review_request"),
    path("gennemsyn/<uuid:review_id>/tilbagekald/", views.ReviewWithdrawView.as_view(), name="review_withdraw"),
]
