"""The calendar invitation: valid RFC 5545 that says nothing about the citizen."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.meetings import ics
from samspil.meetings.choices import MeetingType
from tests import factories as f

pytestmark = pytest.mark.django_db


def unfold(raw: bytes) -> list[str]:
    """The content lines of an iCalendar stream, after checking its physical lines."""
    assert raw.endswith(b"\r\n")
    physical = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "bare LF or CR inside a line"
    assert all(len(line) <= 75 for line in physical), [line for line in physical if len(line) > 75]
    lines: list[str] = []
    for line in physical:
        text = line.decode("utf-8")  # each physical line is whole UTF-8: no character was cut in two
        if text.startswith(" "):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def properties(lines: list[str], component: str) -> dict[str, str]:
    start, end = lines.index(f"BEGIN:{component}"), lines.index(f"END:{component}")
    result = {}
    for line in lines[start + 1 : end]:
        name, value = line.split(":", 1)
        result[name] = value
    return result


def unescape(value: str) -> str:
    out, chars = "", iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out += "\n" if nxt in "nN" else nxt
        else:
            out += char
    return out


def test_escape_and_fold():
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ics.fold("DESCRIPTION:" + "æ" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "æ" * 100


@pytest.fixture
def meeting(world):
    start = timezone.make_aware(datetime.datetime(2026, 11, 22, 13, 30))
    return f.MeetingFactory(
        pathway=world.pathway,
        meeting_type=MeetingType.STATUS,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1, minutes=30),
        location="Rådhuset, lokale 2; indgang B\\C",
        online_link="https://moede.example.dk/rum/" + "x" * 120,
    )


def test_the_invitation_parses_back(client, world, meeting):
    client.force_login(world.coordinator)
    url = reverse("meetings:invitation", args=[world.pathway.public_id, meeting.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    lines = unfold(response.content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    calendar = {line.split(":", 1)[0]: line.split(":", 1)[1] for line in lines if ":" in line}
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert properties(lines, "VTIMEZONE")["TZID"] == "Europe/Copenhagen"
    event = properties(lines, "VEVENT")
    assert event["UID"] == f"{meeting.public_id}@samspil"
    datetime.datetime.strptime(event["DTSTAMP"], "%Y%m%dT%H%M%SZ")
    assert event["DTSTART;TZID=Europe/Copenhagen"] == "20261122T133000"
    assert event["DTEND;TZID=Europe/Copenhagen"] == "20261122T150000"
    start = datetime.datetime.strptime(event["DTSTART;TZID=Europe/Copenhagen"], "%Y%m%dT%H%M%S")
    assert start.replace(tzinfo=ZoneInfo("Europe/Copenhagen")) == meeting.starts_at
    assert unescape(event["SUMMARY"]) == "Statusmøde – Samspil"
    assert unescape(event["LOCATION"]) == "Rådhuset, lokale 2; indgang B\\C"
    description = unescape(event["DESCRIPTION"])
    assert f"http://testserver/forloeb/{world.pathway.public_id}/moeder/{meeting.public_id}/" in description
    assert meeting.online_link in description


def test_the_invitation_names_neither_the_citizen_nor_their_cpr_number(client, world, meeting):
    client.force_login(world.coordinator)
    text = client.get(reverse("meetings:invitation", args=[world.pathway.public_id, meeting.public_id])).content
    text = b"".join(text.split(b"\r\n "))  # unfolded, so a name cut over two lines is found too
    for secret in (
        world.citizen.full_name,
        world.citizen.first_name,
        world.citizen.last_name,
        world.citizen.reveal_cpr(),
        world.citizen.cpr_masked,
    ):
        assert secret.encode() not in text


def test_a_cancelled_meeting_is_cancelled_in_the_calendar(world, meeting):
    meeting.status = "cancelled"
    lines = unfold(ics.invitation(meeting, url="https://samspil.example/").encode())
    assert properties(lines, "VEVENT")["STATUS"] == "CANCELLED"
