from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "samspil.plans"
    verbose_name = _("Shared plans")

    def ready(self):
        # The scopes of this app's models that are not in access/scopes.py register with the access policy.
        from samspil.plans import scopes  # noqa: F401
