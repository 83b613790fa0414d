"""The outside experts' pages: staff at /analysemoeder/ (`meeting_experts`), partner accounts at
/partner/analysemoeder/ (`partner_experts`). The coordinator invites and ends from the meeting's page
(`meetings:expert_invite`, `meetings:expert_end`)."""

from django.urls import include, path

from samspil.meetings import views_experts

staff_patterns = (
    [
        path("", views_experts.ExpertMeetingsView.as_view(), name="list"),
        path("<uuid:meeting_id>/", views_experts.ExpertMeetingView.as_view(), name="meeting"),
    ],
    "meeting_experts",
)

partner_patterns = (
    [
        path("", views_experts.PartnerExpertMeetingsView.as_view(), name="list"),
        path("<uuid:meeting_id>/", views_experts.PartnerExpertMeetingView.as_view(), name="meeting"),
    ],
    "partner_experts",
)

staff_urls = include(staff_patterns)
partner_urls = include(partner_patterns)
