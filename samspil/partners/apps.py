from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "samspil.partners"
    verbose_name = _("External partners")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.partners import scopes  # noqa: F401
