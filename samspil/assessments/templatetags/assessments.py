from django import template

from samspil.assessments import methods
from samspil.assessments.selectors import overview_line

register = template.Library()


@register.simple_tag
def assessment_overview_line(pathway):
    """The latest assessment of the pathway for the overview's line (no query when the pathway carries the
    annotations of `selectors.overview_annotations`, else one)."""
    return overview_line(pathway)


@register.filter
def level_label(code: str) -> str:
    """An FFB function level code as its display text."""
    return methods.level_label(code)
