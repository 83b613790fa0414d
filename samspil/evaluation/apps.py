from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "samspil.evaluation"
    verbose_name = _("Baseline and follow-up")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.evaluation import scopes  # noqa: F401
