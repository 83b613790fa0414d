"""A citizen's session ends after 30 minutes without a request; a staff session keeps the site's setting."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

LOG_IN = "/konto/log-ind/"  # answers a logged-in user with a redirect, the anonymous with the form


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def citizen_logged_in(client, world) -> datetime.datetime:
    """A citizen account logged in and its first request made, the clock standing at that moment: returned."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(f.portal_account(world.citizen))
        client.get(LOG_IN)
    return start


def at(start: datetime.datetime, **after):
    """The clock standing at `start` plus `after` (timedelta's arguments)."""
    return time_machine.travel(start + datetime.timedelta(**after), tick=False)


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def test_a_citizen_session_ends_after_30_idle_minutes_and_each_request_moves_it_on(client, world, clock_cache):
    start = citizen_logged_in(client, world)
    with at(start):
        assert client.session.get_expiry_age() == 30 * 60
    with at(start, minutes=29):
        assert client.get(LOG_IN).status_code == 302  # still in: and the window moves on from here
    with at(start, minutes=58):
        assert client.get(LOG_IN).status_code == 302
        assert logged_in(client)
    with at(start, minutes=89):
        response = client.get(LOG_IN)
        assert response.status_code == 200  # the log-in form: the session has ended
        assert not logged_in(client)


def test_requests_within_a_minute_do_not_write_the_session_again(client, world, clock_cache):
    """Moving the window writes the session: at most once a minute, so a page view costs no write of its own."""
    start = citizen_logged_in(client, world)
    with at(start, seconds=10):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG_IN).status_code == 302
        assert not session_writes(queries)
    with at(start, seconds=70):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG_IN).status_code == 302
        assert len(session_writes(queries)) == 1


def test_the_session_ends_30_minutes_after_the_last_move_never_later(client, world, clock_cache):
    """A request 50 seconds after a move does not move the window: the session ends 30 minutes after the move,
    that is 29 minutes and 10 seconds after the last request (between 29 and 30 minutes, never more)."""
    start = citizen_logged_in(client, world)
    with at(start, seconds=50):
        assert client.get(LOG_IN).status_code == 302
    with at(start, minutes=29, seconds=55):
        assert client.get(LOG_IN).status_code == 302  # 30 minutes after the move: still in, and moved on
    with at(start, minutes=60):
        assert client.get(LOG_IN).status_code == 200
        assert not logged_in(client)


def test_a_staff_session_is_not_cut_after_30_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.coordinator)
        client.get(LOG_IN)
    with at(start, minutes=45):
        assert client.get(LOG_IN).status_code == 302
        assert logged_in(client)


def test_the_session_holds_no_cpr_number(client, world):
    account = f.portal_account(world.citizen)
    client.force_login(account)
    client.get(LOG_IN)
    digits = world.citizen.reveal_cpr().replace("-", "")
    stored = str(dict(client.session.items()))
    assert digits not in stored and digits[:6] + "-" + digits[6:] not in stored
