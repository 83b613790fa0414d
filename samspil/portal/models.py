from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.portal.choices import PortalLevel


class PortalRight(ChangeLogged, TenantModel):
    """Whether one person may use a pathway in the portal, and whether they may write (seed 002: the case's creator
    decides whether the young person and the parents may read and write).

    One row per (pathway, person), changed in place by the coordinator (`portal.rights.portal_right_set`); the
    change log keeps the history. No row means no access. The person is a subject of the pathway or a custody
    holder of a minor subject; the age rules on top of the right are in `portal.access`.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="portal_rights", verbose_name=_("pathway")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="portal_rights", verbose_name=_("person")
    )
    level = models.CharField(_("portal access"), max_length=10, choices=PortalLevel.choices, default=PortalLevel.NONE)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal access")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "pathway", "citizen"], name="portal_right_unique"),
        ]

    def __str__(self):
        return gettext("Portal access for %(person)s: %(level)s") % {
            "person": self.citizen,
            "level": self.get_level_display(),
        }

    @property
    def change_log_pathway_id(self):
        return self.pathway_id
