from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "samspil.identity"
    verbose_name = _("Log-in through identity providers")

    def ready(self):
        # The scopes of this app's models register with the access policy.
        from samspil.identity import config, scopes  # noqa: F401

        # A missing key, certificate or metadata file stops the start, not the first log-in.
        config.check()
