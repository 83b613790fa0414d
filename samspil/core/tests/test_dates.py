"""A day's text is kept per day and language, and is what Django's own formatting writes."""

import datetime

import pytest
from django.utils import formats, translation

from samspil.core.dates import short_date, short_datetime


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_kept_day_is_django_s_own_text(language):
    days = [datetime.date(2026, 11, 22), datetime.date(2024, 2, 29), datetime.date(1999, 1, 1)]
    with translation.override(language):
        for day in days:
            assert short_date(day) == formats.date_format(day, "SHORT_DATE_FORMAT")
        assert short_date(days[0]) == "22.11.2026"


def test_a_day_and_a_moment_on_it_are_kept_apart():
    day, moment = datetime.date(2026, 11, 22), datetime.datetime(2026, 11, 22, 13, 37)
    with translation.override("da"):
        assert short_date(day) == formats.date_format(day, "SHORT_DATE_FORMAT")
        assert short_date(moment) == formats.date_format(moment, "SHORT_DATE_FORMAT")


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_moment_is_django_s_own_text(language):
    from zoneinfo import ZoneInfo

    copenhagen = ZoneInfo("Europe/Copenhagen")
    moments = [
        datetime.datetime(2026, 11, 22, 14, 5, 59, 999_999, tzinfo=copenhagen),
        datetime.datetime(2024, 2, 29, 0, 0, tzinfo=copenhagen),
        datetime.datetime(2026, 3, 29, 3, 30, tzinfo=copenhagen),  # the first hour of summer time
        datetime.datetime(1999, 12, 31, 23, 59),
        datetime.datetime(999, 1, 2, 3, 4),  # a year of three digits: Django's own writing
    ]
    with translation.override(language):
        for moment in moments:
            assert short_datetime(moment) == formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        assert short_datetime(moments[0]) == "22.11.2026 14:05"


def test_a_format_strftime_cannot_write_is_left_to_django(monkeypatch):
    """A letter without a strftime directive of the same meaning (a month's name, an escaped letter) leaves the
    format to Django; a literal % stays a %."""
    from samspil.core import dates

    assert dates.as_strftime("d.m.Y H:i") == "%d.%m.%Y %H:%M"
    assert dates.as_strftime("j. F Y H:i") is None
    assert dates.as_strftime("d.m.Y \\k\\l. H:i") is None
    assert dates.as_strftime("d.m.Y % H:i") == "%d.%m.%Y %% %H:%M"
    moment = datetime.datetime(2026, 5, 7, 8, 9)
    assert moment.strftime(dates.as_strftime("d.m.Y % H:i")) == "07.05.2026 % 08:09"
    monkeypatch.setattr(dates, "_strftime_pattern", lambda language, name: None)
    with translation.override("da"):
        assert short_datetime(moment) == formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "07.05.2026 08:09"


def test_a_changed_setting_is_not_answered_from_the_kept_texts_and_the_app_s_are_back_after_it():
    from django.test import override_settings

    day, moment = datetime.date(2026, 11, 22), datetime.datetime(2026, 11, 22, 14, 5)
    with translation.override("en"):
        assert (short_date(day), short_datetime(moment)) == ("22.11.2026", "22.11.2026 14:05")
        with override_settings(FORMAT_MODULE_PATH=None):  # Django's own English formats, not the app's
            assert short_date(day) == formats.date_format(day, "SHORT_DATE_FORMAT") != "22.11.2026"
            assert short_datetime(moment) == formats.date_format(moment, "SHORT_DATETIME_FORMAT") != "22.11.2026 14:05"
        assert (short_date(day), short_datetime(moment)) == ("22.11.2026", "22.11.2026 14:05")
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "22.11.2026"
