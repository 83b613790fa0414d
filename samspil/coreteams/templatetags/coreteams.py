"""`{% coreteam_line p as line %}`: the pathway's core team and the latest caseload decision, for the overview
(`coreteams/_overview_line.html`): one query."""

from django import template

from samspil.coreteams.selectors import overview_line

register = template.Library()


@register.simple_tag
def coreteam_line(pathway):
    return overview_line(pathway)
