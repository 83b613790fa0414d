"""The suite's clock: SAMSPIL_TEST_CLOCK_SHIFT_DAYS moves it for the whole session (see conftest.py), and a test
that pins its own moment with time-machine still gets exactly that moment, and the moved clock afterwards."""

import datetime
import os

import time_machine
from django.utils import timezone

SHIFT = os.environ.get("SAMSPIL_TEST_CLOCK_SHIFT_DAYS", "").strip()


def _real_now() -> datetime.datetime:
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(datetime.UTC)
    return datetime.datetime.now(datetime.UTC)


def test_the_clock_is_moved_by_the_number_of_days_asked_for():
    expected = _real_now() + datetime.timedelta(days=float(SHIFT or 0))
    assert abs(timezone.now() - expected) < datetime.timedelta(minutes=1)
    assert time_machine.escape_hatch.is_travelling() == bool(SHIFT)


def test_a_test_pins_its_own_moment_inside_the_moved_clock():
    before = timezone.now()
    moment = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)  # 1 December in Copenhagen
    with time_machine.travel(moment, tick=False):
        assert timezone.now() == moment
        assert timezone.localdate() == datetime.date(2026, 12, 1)
    assert before <= timezone.now() < before + datetime.timedelta(minutes=1)  # back on the suite's clock


def test_the_time_machine_fixture_nests_too(time_machine):
    time_machine.move_to(datetime.datetime(2031, 6, 1, 10, tzinfo=datetime.UTC), tick=False)
    assert timezone.localdate() == datetime.date(2031, 6, 1)
