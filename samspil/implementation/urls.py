from django.urls import path, register_converter

from samspil.implementation import views

app_name = "implementation"


class ProgrammeCodeConverter:
    """A programme's code (a slug), but not the names the sibling apps mounted at /programmer/ use for their pages
    across programmes (`/programmer/resultater/`, `/programmer/maalinger/`): this app is included first."""

    regex = r"(?!(?:resultater|maalinger)/)[-a-zA-Z0-9_]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ProgrammeCodeConverter, "programme_code")

urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    path("<programme_code:code>/", views.ProgrammeView.as_view(), name="programme"),
    path("<programme_code:code>/organisation/", views.OrganisationView.as_view(), name="organisation"),
    path("<programme_code:code>/organisation/grupper/<uuid:group_id>/", views.GroupView.as_view(), name="group"),
    path(
        "<programme_code:code>/organisation/moeder/<uuid:meeting_id>/",
        views.GroupMeetingView.as_view(),
        name="meeting",
    ),
    path("<programme_code:code>/ansvar/", views.MatrixView.as_view(), name="matrix"),
    path("<programme_code:code>/forandringsteori/", views.TheoryView.as_view(), name="theory"),
    path("<programme_code:code>/implementeringsplan/", views.PlanView.as_view(), name="plan"),
    path("<programme_code:code>/opskalering/", views.ScaleUpView.as_view(), name="scale_up"),
    path("<programme_code:code>/statusrapport.pdf", views.StatusReportView.as_view(), name="status_report"),
]
