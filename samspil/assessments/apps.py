from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "samspil.assessments"
    label = "assessments"
    verbose_name = _("Joint assessments")

    def ready(self):
        from samspil.assessments import scopes  # noqa: F401  (registers the access scopes)
