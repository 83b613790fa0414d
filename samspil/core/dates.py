"""Days and moments as the UI writes them (22.11.2026 and 22.11.2026 14:05 in both languages: `samspil/formats`).

`formats.date_format` looks the language's format up on every call and interprets it letter by letter (~15–20 µs):
a list of 50 rows spent most of a millisecond on its dates. A day's text is kept per day and language instead, and a
moment is written by `datetime.strftime` with the language's format translated once.
"""

import functools

from django.core.signals import setting_changed
from django.utils import formats, translation


def short_date(value) -> str:
    """`value` (a date) in the active language's SHORT_DATE_FORMAT."""
    return _short_date_in(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _short_date_in(value, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


# Django's format letters that mean the same as a strftime directive (zero-padded numbers); any other letter, or an
# escape, leaves the format to Django.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def short_datetime(value) -> str:
    """`value` (a datetime, already in the zone it is shown in: `timezone.localtime`) in the active language's
    SHORT_DATETIME_FORMAT, as `formats.date_format` writes it."""
    pattern = _strftime_pattern(translation.get_language(), "SHORT_DATETIME_FORMAT")
    if pattern is None or value.year < 1000:  # strftime does not pad a year of three digits on every platform
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return value.strftime(pattern)


@functools.lru_cache(maxsize=64)
def _strftime_pattern(language: str, name: str) -> str | None:
    return as_strftime(formats.get_format(name, lang=language))


def as_strftime(django_format: str) -> str | None:
    """A Django date format as a strftime pattern, or None when a letter of it has no directive of that meaning."""
    parts = []
    for char in django_format:
        if char in _STRFTIME:
            parts.append(_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char.replace("%", "%%"))
    return "".join(parts)


_KEPT = (_short_date_in, _strftime_pattern)


def _forget(*, setting: str, **kwargs) -> None:
    """A changed setting (a test's `override_settings` of the formats, the languages or `FORMAT_MODULE_PATH`) is not
    answered from the texts and patterns kept under the one before. Django forgets its own formats for the format
    settings but not for the modules they are read from: that setting is forgotten here."""
    for kept in _KEPT:
        kept.cache_clear()
    if setting == "FORMAT_MODULE_PATH":
        formats.reset_format_cache()


setting_changed.connect(_forget)
