"""HTML rendered once per process: the overview shows the same empty forms on every view, and every page the same
layout chrome for the same viewer (`core.chrome`).

The HTML of an unbound form depends only on what its `__init__` reads (for the overview's status form: the pathway's
status, whether it is a family's and its version), the language and the day (a date field's initial value). The
caller names those in `key`; language and day are added here. A bound form (a POST with errors) is never cached: the
view puts the form itself in the context instead.
"""

import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

CACHE_SIZE = 2048

_rendered: OrderedDict = OrderedDict()
_lock = threading.Lock()


class RenderedForm:
    """Stands in for an unbound form in a template: `{{ form.prerendered }}` is its fields, as
    `includes/form_fields.html` renders them (`pathways/_form_body.html` and the overview use it)."""

    def __init__(self, html: str):
        self.prerendered = SafeString(html)

    def __bool__(self) -> bool:
        return True


def stand_in(name: str) -> str:
    """The mark a per-view value takes in kept HTML (here and in `pathways.fragments`): no saved text can contain it
    (forms refuse the null character), and escaping leaves it as it is."""
    return f"\x00{name}\x00"


def unbound_form(build, *, key: tuple) -> RenderedForm:
    """The fields of the unbound form `build()` makes, rendered on the first call for `key` (+ language and day)."""
    return RenderedForm(rendered_once(key, lambda: render_to_string("includes/form_fields.html", {"form": build()})))


def rendered_once(key: tuple, render) -> str:
    """The HTML `render()` makes, made on the first call for `key` (+ language and day) and kept in the process (the
    last `CACHE_SIZE` keys). `key` must name everything the HTML depends on."""
    full_key = (*key, translation.get_language(), timezone.localdate())
    with _lock:
        html = _rendered.get(full_key)
        if html is not None:
            _rendered.move_to_end(full_key)
    if html is None:
        html = render()
        with _lock:
            _rendered[full_key] = html
            while len(_rendered) > CACHE_SIZE:
                _rendered.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _rendered.clear()


# A setting may change what is rendered (the languages, the templates' options): render again.
setting_changed.connect(lambda **kwargs: clear(), weak=False)
