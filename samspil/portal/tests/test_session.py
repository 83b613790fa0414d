"""A citizen's session ends after 30 minutes without a request; a staff session keeps the site's setting."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

LOG_IN = "/konto/log-ind/"  # answers a logged-in user with a redirect, the anonymous with the form


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_a_citizen_session_ends_after_30_idle_minutes_and_each_request_moves_it_on(client, world, clock_cache):
    account = f.portal_account(world.citizen)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(account)
        client.get(LOG_IN)
        assert client.session.get_expiry_age() == 30 * 60
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(LOG_IN).status_code == 302  # still in: and the window moves on from here
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get(LOG_IN).status_code == 302
        assert logged_in(client)
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get(LOG_IN)
        assert response.status_code == 200  # the log-in form: the session has ended
        assert not logged_in(client)


def test_a_staff_session_is_not_cut_after_30_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.coordinator)
        client.get(LOG_IN)
    with time_machine.travel(start + datetime.timedelta(minutes=45), tick=False):
        assert client.get(LOG_IN).status_code == 302
        assert logged_in(client)


def test_the_session_holds_no_cpr_number(client, world):
    account = f.portal_account(world.citizen)
    client.force_login(account)
    client.get(LOG_IN)
    digits = world.citizen.reveal_cpr().replace("-", "")
    stored = str(dict(client.session.items()))
    assert digits not in stored and digits[:6] + "-" + digits[6:] not in stored
