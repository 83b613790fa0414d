"""Meeting invitations as iCalendar (RFC 5545), written by hand: the format is small and fixed.

The invitation leaves the system (a calendar, an e-mail), so it says only what a calendar needs: the kind of
meeting, when, where, and a link back. Never the citizen's name or CPR number.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.meetings.models import Meeting

CRLF = "\r\n"
MAX_OCTETS = 75
TZID = "Europe/Copenhagen"

# The rules of Europe/Copenhagen since 1996: CEST from the last Sunday of March, CET from the last of October.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1  # the continuation line starts with one space, which counts
        current += char
        size += width
    parts.append(current)
    return CRLF.join(parts)


def _copenhagen(moment: datetime.datetime) -> str:
    return moment.astimezone(ZoneInfo(TZID)).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def summary(meeting: Meeting) -> str:
    return _("%(meeting_type)s – Samspil") % {"meeting_type": meeting.get_meeting_type_display()}


def invitation(meeting: Meeting, *, url: str, now: datetime.datetime | None = None) -> str:
    """The VCALENDAR with one VEVENT for the meeting; `url` is the absolute link to the meeting page."""
    description = _("A meeting in a pathway in Samspil. See the meeting: %(url)s") % {"url": url}
    if meeting.online_link:
        description += "\n" + _("Online meeting: %(link)s") % {"link": meeting.online_link}
    status = "CANCELLED" if meeting.is_cancelled else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Samspil//Samspil meetings//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{meeting.public_id}@samspil",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"DTSTART;TZID={TZID}:{_copenhagen(meeting.starts_at)}",
        f"DTEND;TZID={TZID}:{_copenhagen(meeting.ends_at)}",
        f"SEQUENCE:{meeting.version - 1}",
        f"STATUS:{status}",
        f"SUMMARY:{escape_text(summary(meeting))}",
    ]
    location = meeting.location or meeting.online_link
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
