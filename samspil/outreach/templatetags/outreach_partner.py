from django import template

from samspil.outreach import access

register = template.Library()


@register.simple_tag
def drop_in_centre(user):
    """The drop-in centre a partner account works at (an agreement in force), or None: the partner home page links to
    the centre's conversations (`outreach_partner:home`) for drop-in staff."""
    return access.partner_centre(user)
