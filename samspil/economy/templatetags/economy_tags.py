"""Template filters of the economy pages."""

from django import template

from samspil.access import policy

register = template.Library()


@register.filter
def sees_costs(user) -> bool:
    """Whether the user is a controller (`policy.can_see_costs`): the reviews asked of them are in the menu."""
    return policy.can_see_costs(user)
