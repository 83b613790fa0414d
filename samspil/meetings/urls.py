from django.urls import path

from samspil.meetings import views

app_name = "meetings"

# Included at forloeb/<uuid:pathway_id>/moeder/, so every view receives `pathway_id`.
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("ny/", views.MeetingScheduleView.as_view(), name="schedule"),
    path("<uuid:meeting_id>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<uuid:meeting_id>/referat/", views.MeetingRecordView.as_view(), name="record"),
    path("<uuid:meeting_id>/aflys/", views.MeetingCancelView.as_view(), name="cancel"),
    path("<uuid:meeting_id>/beslutning/", views.MeetingDecisionView.as_view(), name="decision_add"),
    path("<uuid:meeting_id>/aftale/", views.MeetingAgreementView.as_view(), name="agreement_add"),
    path("<uuid:meeting_id>/opfoelgning/", views.MeetingFollowUpView.as_view(), name="follow_up_add"),
    path("<uuid:meeting_id>/maal/<uuid:goal_id>/", views.MeetingGoalUpdateView.as_view(), name="goal_update"),
    path("<uuid:meeting_id>/invitation.ics", views.MeetingInvitationView.as_view(), name="invitation"),
    path("<uuid:meeting_id>/eksperter/ny/", views.MeetingExpertInviteView.as_view(), name="expert_invite"),
    path(
        "<uuid:meeting_id>/eksperter/<uuid:expert_id>/afslut/", views.MeetingExpertEndView.as_view(), name="expert_end"
    ),
]
