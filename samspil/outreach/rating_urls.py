"""The citizen's one-time rating link, open without log-in, at /vurdering/<token>/."""

app_name = "outreach_rating"

urlpatterns = []
