from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentationConfig(AppConfig):
    name = "samspil.segmentation"
    verbose_name = _("Segmentation")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.segmentation import scopes  # noqa: F401
