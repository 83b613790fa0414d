"""The core teams and their caseload status meetings, mounted at /kerneteamer/ (see views.py)."""

app_name = "coreteams"

urlpatterns = []
