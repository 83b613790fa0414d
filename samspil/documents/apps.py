from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "samspil.documents"
    verbose_name = _("Shared documents and messages")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.documents import scopes  # noqa: F401
