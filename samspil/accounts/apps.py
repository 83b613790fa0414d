from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samspil.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from samspil.accounts.second_factor import remember_password_log_in

        user_logged_in.connect(remember_password_log_in, dispatch_uid="samspil.accounts.remember_password_log_in")
        # django-otp's own TOTP admin can show a device's secret and QR code, which would let an administrator
        # stand in for the user's phone. Devices are managed from the user admin instead (its reset action).
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
