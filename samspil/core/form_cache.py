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
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString

CACHE_SIZE = 512


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


class KeptHtml:
    """HTML kept in the process for a key (+ language and day), the last `size` keys."""

    def __init__(self, size: int):
        self.size = size
        self._rendered: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def rendered(self, key: tuple, render) -> str:
        """The HTML `render()` makes, made on the first call for `key`. `key` must name everything the HTML depends
        on but the language and the day, which are added here."""
        full_key = (*key, translation.get_language(), timezone.localdate())
        with self._lock:
            html = self._rendered.get(full_key)
            if html is not None:
                self._rendered.move_to_end(full_key)
        if html is None:
            html = render()
            with self._lock:
                self._rendered[full_key] = html
                while len(self._rendered) > self.size:
                    self._rendered.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._rendered.clear()


FORMS = KeptHtml(CACHE_SIZE)  # the empty forms
CHROME = KeptHtml(2048)  # the layout's header and footer (`core.chrome`): about 10 KB each, 20 MB at the most
rendered_once = FORMS.rendered


def clear() -> None:
    FORMS.clear()
    CHROME.clear()


# A setting may change what is rendered (the languages, the templates' options): render again. So may a template or
# a translation edited under `runserver`, which reloads them without a new process.
setting_changed.connect(lambda **kwargs: clear(), weak=False)
file_changed.connect(lambda **kwargs: clear(), weak=False)
