from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "samspil.meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from samspil.meetings import scopes  # noqa: F401  (registers the access scope of outside experts)
