from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "samspil.portal"
    verbose_name = _("Citizen portal")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.portal import scopes  # noqa: F401
