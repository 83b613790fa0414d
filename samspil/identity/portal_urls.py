"""The portal's log-in page, `/borger/log-ind/` (settings.PORTAL_LOGIN_URL), mounted before the portal's URLs."""

from django.urls import path

from samspil.identity import views

urlpatterns = [path("", views.portal_login, name="portal_login")]
