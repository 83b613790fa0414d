from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "samspil.outreach"
    label = "outreach"
    verbose_name = _("Drop-in centres")

    def ready(self):
        from samspil.outreach import scopes  # noqa: F401  (registers the access scopes)
