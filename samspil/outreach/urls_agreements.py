"""Staff pages: agreements (see urls.py)."""

urlpatterns = []
