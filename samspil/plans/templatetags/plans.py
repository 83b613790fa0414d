import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def iso_date(value: str) -> str:
    """A date stored as ISO text in a plan version, shown as 22.11.2026."""
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value or ""
