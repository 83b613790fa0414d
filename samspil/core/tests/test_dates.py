"""A day's text is kept per day and language, and is what Django's own formatting writes."""

import datetime

import pytest
from django.utils import formats, translation

from samspil.core.dates import short_date


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
