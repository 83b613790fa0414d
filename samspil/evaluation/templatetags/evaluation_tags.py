"""The portal pathway page's invitation to answer WHO-5 (one query, only for the citizen's own pathway)."""

from django import template

from samspil.evaluation import services
from samspil.evaluation.models import Who5Response
from samspil.portal.choices import Capacity

register = template.Library()


@register.inclusion_tag("evaluation/_portal_who5_invitation.html")
def who5_invitation(pathway):
    access = getattr(pathway, "portal_access", None)
    if access is None or access.capacity != Capacity.SELF or not access.may_write:
        return {"show": False}
    round = services.portal_who5_round(pathway=pathway, person=access.person)
    if round is None or Who5Response.objects.filter(round=round, citizen=access.person).exists():
        return {"show": False}
    return {"show": True, "pathway": pathway}
