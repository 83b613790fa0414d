"""`core.markup.escape_text` writes what Django's `escape` writes, for every kind of value a row tag escapes."""

import datetime

import pytest
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from samspil.core.markup import escape_text


@pytest.mark.parametrize(
    "value",
    [
        "Anne & Bo <script>alert('x')</script> \"citat\"",
        mark_safe("<b>allerede sikker</b>"),  # escaped all the same, as Django's escape does
        "Søren Ærø – ½ ´` ø",
        1234,
        None,
        datetime.date(2026, 11, 22),
        "",
    ],
)
def test_escapes_as_django_does(value):
    assert escape_text(value) == escape(value)
    assert type(escape_text(value)) is str  # plain text: the tag marks its whole output once


def test_what_it_writes():
    written = "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;"
    assert escape_text("<a href=\"x\" title='y'>&</a>") == written
    assert escape_text(mark_safe("<b>")) == "&lt;b&gt;"


def test_a_lazy_translation_is_escaped_in_the_active_language():
    with override("da"):
        assert escape_text(gettext_lazy("Overdue")) == escape(gettext_lazy("Overdue"))
