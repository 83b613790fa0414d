from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "samspil.economy"
    verbose_name = _("Economy")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.economy import scopes  # noqa: F401
