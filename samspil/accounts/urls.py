from django.urls import path

from samspil.accounts import views

app_name = "accounts"

urlpatterns = [
    path("log-ind/", views.SamspilLoginView.as_view(), name="login"),
    path("log-ud/", views.SamspilLogoutView.as_view(), name="logout"),
    path("totp/", views.TotpVerifyView.as_view(), name="totp_verify"),
    path("totp/opsaet/", views.TotpSetupView.as_view(), name="totp_setup"),
    path("sikkerhed/", views.SecurityView.as_view(), name="security"),
]
