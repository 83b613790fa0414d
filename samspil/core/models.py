"""Base classes every Samspil model builds on: public ids, timestamps, tenancy and the scoped queryset."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopedQuerySet(models.QuerySet):
    """A queryset that can only be narrowed to what a user may see through the access policy."""

    def visible_to(self, user, action: str = "view"):
        from samspil.access import policy

        return policy.restrict(self, user, action)


class PublicIdModel(models.Model):
    """A record reached by URL: it carries a random identifier so database ids never leave the server."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class TenantModel(PublicIdModel):
    """A record that belongs to exactly one municipality; it is read only through `visible_to`."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=True,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
