from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samspil.core"
    verbose_name = _("Core")

    def ready(self):
        from samspil.core import sqlite

        sqlite.connect()  # SQLite files 0600
