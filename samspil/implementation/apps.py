from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "samspil.implementation"
    verbose_name = _("Programme management")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.implementation import scopes  # noqa: F401
