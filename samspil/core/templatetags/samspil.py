import copy

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia
from samspil.core import chrome, form_cache

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


_PREFIX_PLACEHOLDER = "samspil-row-form-prefix"


@register.simple_tag(takes_context=True)
def row_form_fields(context, form):
    """`{% include "includes/form_fields.html" %}` for one of many per-row forms of a page (a comment form under
    each goal): an unbound form without initial data differs from its siblings of the same class only by its
    prefix, so the first is rendered with a placeholder prefix and every row copies that with its own. A bound
    form (with the user's text and errors) or one with initial data is rendered whole. The fields need nothing of
    the request, so no context processor runs.
    """
    if form.is_bound or form.initial or not form.prefix:
        return render_to_string("includes/form_fields.html", {"form": form})
    cache = context.render_context.setdefault("_row_form_fields", {})
    html = cache.get(type(form))
    if html is None:
        html = _placeholder_rendering(form)
        cache[type(form)] = html
    # Safe: the form's own rendering; a prefix is the page's key for the row (`form_key`), never user input.
    return mark_safe(html.replace(_PREFIX_PLACEHOLDER, form.prefix))


def _placeholder_rendering(form) -> str:
    """The form's fields rendered under the placeholder prefix. A form class that says every unbound instance of
    it renders alike (`renders_alike = True`: fields fixed in the class, nothing read in `__init__`) is rendered once
    per process, language and day (`core.form_cache`); any other once per page."""

    def placeholder_form():
        template_form = copy.copy(form)  # shares the fields, which rendering only reads
        template_form.prefix = _PREFIX_PLACEHOLDER
        template_form._bound_fields_cache = {}  # bound fields of its own, named with the placeholder
        return template_form

    if type(form).__dict__.get("renders_alike", False):  # declared by the class itself, not inherited
        key = ("row_form_fields", type(form).__module__, type(form).__qualname__)
        return str(form_cache.unbound_form(placeholder_form, key=key).prerendered)
    return render_to_string("includes/form_fields.html", {"form": placeholder_form()})


@register.simple_tag(takes_context=True)
def layout_chrome(context, part):
    """The layout's head links, header or footer (base.html), kept per viewer state (`core.chrome`)."""
    return chrome.chrome(context, part)
