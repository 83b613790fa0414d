"""Staff pages: appointments (see urls.py)."""

urlpatterns = []
