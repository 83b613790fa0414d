"""Staff pages: contacts (see urls.py)."""

urlpatterns = []
