from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "samspil.results"
    verbose_name = _("Results")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.results import scopes  # noqa: F401
