"""Days as the UI writes them (22.11.2026 in both languages: `samspil/formats`).

`formats.date_format` looks the language's format up on every call (~15 µs): a list of 50 rows spent most of a
millisecond on its dates. A day's text is kept per day and language instead.
"""

import functools

from django.utils import formats, translation


def short_date(value) -> str:
    """`value` (a date) in the active language's SHORT_DATE_FORMAT."""
    return _short_date_in(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _short_date_in(value, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
