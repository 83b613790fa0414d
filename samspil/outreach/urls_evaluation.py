"""Staff pages: evaluation (see urls.py)."""

urlpatterns = []
