from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreTeamsConfig(AppConfig):
    name = "samspil.coreteams"
    label = "coreteams"
    verbose_name = _("Core teams")

    def ready(self):
        from samspil.coreteams import scopes  # noqa: F401  (registers the access scopes)
