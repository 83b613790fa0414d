from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "samspil.plans"
    verbose_name = _("Shared plans")
