from django import template

from samspil.identity import config
from samspil.identity.choices import Side

register = template.Library()


@register.simple_tag
def staff_login_button():
    """The staff log-in button's details when the municipality's identity provider is set up, else None."""
    if config.provider(Side.STAFF) is None:
        return None
    return {"name": config.staff_login_name()}
