from django import template
from django.utils.translation import gettext_lazy as _

from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia

register = template.Library()

STATUS_BADGES = {
    "referred": "badge-info",
    "assessment": "badge-info",
    "active": "badge-success",
    "follow_up": "badge-success",
    "paused": "badge-warning",
    "closed": "",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def shown_label(code: str) -> str:
    return SHOWN_LABELS.get(code, code)


@register.filter
def via_label(code: str) -> str:
    try:
        return AccessVia(code).label
    except ValueError:
        return code


@register.filter
def purpose_label(code: str) -> str:
    try:
        return AccessPurpose(code).label
    except ValueError:
        return code


@register.filter
def yes_no(value) -> str:
    return _("Yes") if value else _("No")


@register.simple_tag
def field_id(form, name):
    return form[name].id_for_label


@register.simple_tag
def form_key(prefix, public_id):
    """The key of a per-row form on a page, e.g. the form that ends one team member's place."""
    return f"{prefix}-{public_id}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
