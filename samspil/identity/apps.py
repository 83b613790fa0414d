from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "samspil.identity"
    verbose_name = _("Log-in through identity providers")
