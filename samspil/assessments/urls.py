"""The joint assessment of a pathway, mounted at /forloeb/<pathway_id>/udredning/ (see views.py)."""

app_name = "assessments"

urlpatterns = []
