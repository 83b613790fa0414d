from django import template

from samspil.meetings.selectors import meeting_rules as rules_of

register = template.Library()


@register.simple_tag
def meeting_rules(pathway):
    """The pathway's standing against its programme's meeting rules, for the overview (two queries)."""
    return rules_of(pathway)
