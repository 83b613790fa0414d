from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "samspil.pathways"
    verbose_name = _("Pathways")

    def ready(self):
        from samspil.pathways import (
            signals,  # noqa: F401  (seeds programmes for new municipalities)
            tasks,  # noqa: F401  (counts the menu's tasks at log-in)
        )
