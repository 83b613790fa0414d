from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "samspil.access"
    verbose_name = _("Access")

    def ready(self):
        from samspil.access import scopes  # noqa: F401  (registers the scope of every model)
