from django import template

from samspil.partners.selectors import team_invitation

register = template.Library()


@register.simple_tag
def partner_invitation(member):
    """The live invitation to Samspil of an external team place on the overview (read with the team), or None."""
    return team_invitation(member)
